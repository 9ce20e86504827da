"""Removing an instance asks first ("Are you sure you want to remove Anna?"): a page of its own,
so it works without JavaScript, and nothing is removed until the claimant says yes."""

from __future__ import annotations

from flask import request, url_for
from werkzeug.wrappers import Response

from web.blueprint import bp
from web.flow import Opened, leave, next_url, opened, question_context, redirect_to
from web.forms import read
from web.lists import instance_label
from web.messages import message
from web.pages import Problem
from web.pointers import tokens
from web.questions import Question
from web.render import page
from web.state import web

# Where to go afterwards: back to check your answers, or on with the interview (its list page).
THEN = ("check", "next")


@bp.route("/remove/<path:ref>", methods=["GET", "POST"])
def remove(ref: str) -> Response:
    """GET asks whether to remove the instance; POST removes it only on "Yes"."""
    interview = opened()
    pointer = "/" + ref
    label = _label(interview, pointer)
    then = _then(request.form.get("then") if request.method == "POST" else request.args.get("then"))
    question = _confirmation(pointer, label, interview.locale)
    if request.method == "GET":
        return _page(interview, question, then, {})
    reading = read(question, request.form, interview.locale)
    if reading.error:
        error = [Problem(pointer, message("remove_select", interview.locale, name=label))]
        return _page(interview, question, then, reading.typed, error)
    data = interview.data
    if reading.value is True:
        data = web().api.answer(interview.held.session_id, {pointer: None}, interview.locale)
    return redirect_to(url_for("interview.check") if then == "check" else next_url(data))


def _label(interview: Opened, pointer: str) -> str:
    """The name of the instance at `pointer` (leaves for the next page when there is none)."""
    items = [i for group in (interview.data.get("instances") or {}).values() for i in group]
    found = next((i for i in items if i.get("pointer") == pointer), None)
    if found is None or len(tokens(pointer)) != 2:
        leave(url_for("interview.next_page"))
    return instance_label(interview, found)


def _then(sent: str | None) -> str:
    return sent if sent in THEN else "next"


def _confirmation(pointer: str, label: str, locale: str) -> Question:
    """The yes/no question of the page, worded with the instance's name."""
    text = message("remove_confirm", locale, name=label)
    return Question(pointer, "boolean", text, None, (), False, {}, (), None, None)


def _page(
    interview: Opened,
    question: Question,
    then: str,
    typed: object,
    errors: list[Problem] | None = None,
) -> Response:
    back = url_for("interview.check") if then == "check" else url_for("interview.next_page")
    return page(
        "remove.html",
        interview.locale,
        interview.held.locales,
        status=422 if errors else 200,
        question=question,
        typed=typed,
        then=then,
        caption=None,
        action=request.path,
        back_url=back,
        interview=interview,
        **question_context(question, errors or [], interview.locale),
    )
