"""Where the interview stands: the browser's session, the next page, the question on a page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from flask import abort, redirect, url_for
from werkzeug.wrappers import Response

from web.client import ApiProblem, Json
from web.config import Presentation
from web.numbers import SYMBOLS, language
from web.pages import Problem, field_anchor, localize, version_question
from web.pointers import lookup, tokens, without
from web.questions import Question, asked_pointer, from_api
from web.state import Interview, current, web


def leave(location: str) -> NoReturn:
    """Go to another page instead (where this one cannot be shown)."""
    abort(redirect(location, 303))


@dataclass
class Opened:
    """The interview of this request: the cookie's part, the API session, its version."""

    held: Interview
    data: Json
    version: Json

    @property
    def locale(self) -> str:
        """The language of the API's texts in this response."""
        return str(self.data.get("locale") or self.held.locale)

    @property
    def presentation(self) -> Presentation:
        """How the rule set's numbers are shown."""
        return web().config.for_ruleset(self.held.ruleset)


def question_url(pointer: str) -> str:
    """The page of a question."""
    return url_for("interview.question", ref=pointer[1:])


def next_url(data: Json) -> str:
    """The first question still to answer, or "check your answers" when there is none."""
    if data["next_questions"]:
        first = data["next_questions"][0]
        if first["type"] == "instance":
            return url_for("interview.add", ref=asked_pointer(first)[1:-2])
        return question_url(asked_pointer(first))
    return url_for("interview.check")


def opened() -> Opened:
    """The browser's interview as the API has it now (back to the start page without one)."""
    held = current()
    if held is None:
        leave(url_for("interview.index"))
    data = web().api.session(held.session_id, held.locale)
    ruleset = data["ruleset"]
    return Opened(held, data, web().api.version(ruleset["id"], ruleset["version"]))


def question_at(interview: Opened, pointer: str) -> Question | None:
    """The question at `pointer`, worded as the API words it now; None if it is not asked.

    A next question comes straight from the session. An answered one (changed from "check your
    answers") is worded by a stateless evaluation without its answer: how it would be asked now.
    """
    presentation = interview.presentation
    for found in interview.data["next_questions"]:
        if asked_pointer(found) == pointer:
            return from_api(found, presentation, _section(interview, found.get("section")))
    answers = interview.data["answers"]
    if lookup(answers, pointer) is None:
        return None
    ruleset = interview.data["ruleset"]
    try:
        again = web().api.evaluate(
            ruleset["id"], ruleset["version"], without(answers, pointer), interview.locale
        )
    except ApiProblem:
        again = {"next_questions": []}
    for found in again["next_questions"]:
        if asked_pointer(found) == pointer:
            return from_api(found, presentation, _section(interview, found.get("section")))
    spec = next((q for q in interview.version["questions"] if q["id"] == tokens(pointer)[-1]), None)
    if spec is None or len(tokens(pointer)) > 1:
        return None  # an instance's question no longer asked: the API words it no more
    return version_question(spec, interview.version, interview.locale, presentation, answers)


def _section(interview: Opened, section: str | None) -> str | None:
    """The title of a question's section, if the authors grouped it in one."""
    if section is None:
        return None
    for found in interview.version.get("sections", []):
        if found.get("id") == section:
            default = interview.version["default_locale"]
            return localize(found.get("title"), interview.locale, default)
    return None


def redirect_to(location: str) -> Response:
    """A 303 to `location` (POST/redirect/GET)."""
    return redirect(location, 303)


def question_context(shown: Question, found: list[Problem], locale: str) -> dict[str, object]:
    """What a question page's template needs besides the question: errors and currency symbol."""
    symbol = SYMBOLS.get(shown.currency or "", shown.currency) if shown.is_amount else None
    return {
        "errors": [(p.message, _error_link(p, shown)) for p in _once(found, shown)],
        "own_error": next((p.message for p in found if p.pointer == shown.pointer), None),
        "symbol": symbol,
        "symbol_first": language(locale) == "en",
    }


def _once(found: list[Problem], shown: Question) -> list[Problem]:
    """Each message once: a check between answers names every answer it reads with the same
    message, and the link to this page's answer is the one to keep."""
    ordered = sorted(found, key=lambda p: p.pointer != shown.pointer)
    kept: dict[str, Problem] = {}
    for problem in ordered:
        kept.setdefault(problem.message, problem)
    return [p for p in found if kept.get(p.message) is p]


def _error_link(problem: Problem, shown: Question) -> str | None:
    """This page's control, another question's page (an answer here broke a check there), or
    nothing (a problem of the whole request)."""
    if problem.pointer == shown.pointer:
        return "#" + field_anchor(shown)
    return question_url(problem.pointer) if problem.pointer.startswith("/") else None
