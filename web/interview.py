"""The interview itself: one question per page (a list's page for a collection's completeness
question), check your answers, the result, the chat."""

from __future__ import annotations

import datetime as dt

from flask import request, url_for
from werkzeug.wrappers import Response

from web.blueprint import bp
from web.client import ApiProblem, Json
from web.flow import (
    Opened,
    leave,
    next_url,
    opened,
    question_at,
    question_context,
    question_url,
    redirect_to,
)
from web.forms import read, typed_for
from web.instances import add_if_prompted, listed, listing
from web.lists import ASK_ANOTHER, completing, count_problems, position
from web.numbers import format_date
from web.pages import (
    Problem,
    localize,
    outcomes,
    previous,
    problems,
    summary,
    visible_trail,
)
from web.pointers import answer_patch, lookup
from web.questions import Question
from web.render import page
from web.state import web


@bp.get("/next")
def next_page() -> Response:
    """Wherever the interview stands: the next question, or "check your answers"."""
    return redirect_to(next_url(opened().data))


@bp.route("/questions/<path:ref>", methods=["GET", "POST"])
def question(ref: str) -> Response:
    """One question: GET shows it (with the answer given, to change it); POST answers it."""
    pointer = "/" + ref
    interview = opened()
    found = question_at(interview, pointer)
    if found is None:
        leave(url_for("interview.next_page"))
    if request.method == "GET":
        answer = lookup(interview.data["answers"], pointer)
        return _question_page(interview, found, typed_for(found, answer, interview.locale))
    reading = read(found, request.form, interview.locale)
    if reading.error:
        return _question_page(interview, found, reading.typed, [Problem(pointer, reading.error)])
    try:
        data = _answer(interview, pointer, reading.value)
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        found_problems = count_problems(interview, pointer, problems(problem))
        return _question_page(interview, found, reading.typed, found_problems)
    interview.held.answered(pointer)
    return redirect_to(next_url(data))


def _answer(interview: Opened, pointer: str, value: object) -> Json:
    """Send one answer to the session; the session's new state comes back. "Not all listed yet"
    adds the instance the API then prompts for (after its last answer, the list's page comes
    back); "how many" adds every one still missing, and their pages follow one after another."""
    data = web().api.answer(
        interview.held.session_id, answer_patch(pointer, value), interview.locale
    )
    return add_if_prompted(interview, data) if completing(interview, pointer) else data


def _question_page(
    interview: Opened,
    found: Question,
    typed: dict[str, str] | object,
    errors: list[Problem] | None = None,
) -> Response:
    trail = visible_trail(interview.held.trail, interview.data)
    before = previous(found.pointer, trail)
    first = url_for("interview.start", ruleset_id=interview.held.ruleset)
    back = question_url(before) if before else first
    where = position(interview, found.pointer)  # "Employee 1 of 2": the chat says it too
    completes = completing(interview, found.pointer)
    # "Have you listed all…?" sits under the list so far; "How many…?" is a question page
    collection = completes.collection if completes and completes.kind == ASK_ANOTHER else None
    return page(
        "list.html" if collection else "question.html",
        interview.locale,
        interview.held.locales,
        status=422 if errors else 200,
        question=found,
        typed=typed,
        caption=where or found.section or _title(interview),
        position=where,
        back_url=back,
        action=request.path,
        interview=interview,
        listing=listing(interview, collection) if collection else None,
        **question_context(found, errors or [], interview.locale),
    )


def _title(interview: Opened) -> str | None:
    return localize(
        interview.version.get("title"), interview.locale, interview.version["default_locale"]
    )


def _day(interview: Opened) -> str:
    """The date checked, in words."""
    return format_date(dt.date.fromisoformat(interview.data["as_of"]), interview.locale)


@bp.get("/check")
def check() -> Response:
    """Every answer that still matters, each with a link to change it."""
    interview = opened()
    trail = visible_trail(interview.held.trail, interview.data)
    back = question_url(trail[-1]) if trail else url_for("interview.index")
    return page(
        "check.html",
        interview.locale,
        interview.held.locales,
        rows=summary(interview.data, interview.version, interview.locale, interview.presentation),
        collections=listed(interview),
        as_of=_day(interview),
        version_title=_title(interview),
        complete=not interview.data["next_questions"],
        back_url=back,
        interview=interview,
    )


@bp.get("/result")
def result() -> Response:
    """Each goal, its value in words and the reasons with their legal references."""
    interview = opened()
    if interview.data["next_questions"]:
        leave(url_for("interview.next_page"))
    return page(
        "result.html",
        interview.locale,
        interview.held.locales,
        goals=outcomes(interview.data, interview.presentation, interview.locale),
        collections=listed(interview),
        as_of=_day(interview),
        version_title=_title(interview),
        back_url=url_for("interview.check"),
        interview=interview,
    )


@bp.get("/chat")
def chat() -> Response:
    """The same interview as a conversation (JavaScript); without it, a way back to pages."""
    interview = opened()
    return page(
        "chat.html",
        interview.locale,
        interview.held.locales,
        back_url=url_for("interview.next_page"),
        interview=interview,
    )
