"""The way in: choose a rule set, say which date to check, resume with a link, save for later."""

from __future__ import annotations

import datetime as dt
import re

from flask import abort, request, url_for
from werkzeug.wrappers import Response

from web.blueprint import bp
from web.client import ApiProblem, Json, SessionGone
from web.flow import opened, question_context, redirect_to
from web.forms import read, typed_for
from web.messages import LANGUAGE_NAMES, message
from web.numbers import format_date
from web.pages import Problem, coverage, covering, localize, problems
from web.questions import Question
from web.render import page
from web.state import Interview, current, language, save, web

AS_OF = "/as_of"
SESSION_ID = re.compile(r"[0-9a-fA-F-]{8,64}")


@bp.get("/")
def index() -> Response:
    """Every rule set, each with a start button."""
    locale = language(list(LANGUAGE_NAMES), "en")
    items = [
        {
            "id": r["id"],
            "title": localize(r.get("title"), locale, r.get("default_locale", "en")),
            "description": localize(r.get("description"), locale, r.get("default_locale", "en")),
        }
        for r in web().api.rulesets()
    ]
    return page("index.html", locale, list(LANGUAGE_NAMES), rulesets=items, held=current())


def _as_of_question(ruleset: Json, locale: str) -> Question:
    hint = f"{message('as_of_hint', locale)} {coverage(ruleset, locale)}".strip()
    return Question(
        AS_OF, "date", message("as_of_title", locale), hint, (), False, {}, (), None, None
    )


def _languages(ruleset: Json) -> tuple[list[str], str]:
    """The languages of the newest published version, and the rule set's default."""
    published = [v for v in ruleset.get("versions", []) if v.get("status") == "published"]
    default = str(ruleset.get("default_locale", "en"))
    if not published:
        return [default], default
    newest = web().api.version(ruleset["id"], published[-1]["version"])
    return list(newest.get("locales") or [default]), default


@bp.route("/start/<ruleset_id>", methods=["GET", "POST"])
def start(ruleset_id: str) -> Response:
    """Which date to check (it picks the version); then the interview starts."""
    ruleset = web().api.ruleset(ruleset_id)
    locales, default = _languages(ruleset)
    locale = language(locales, default)
    question = _as_of_question(ruleset, locale)
    held = current()
    same = held if held is not None and held.ruleset == ruleset_id else None
    if request.method == "GET":
        today = dt.date.today().isoformat() if covering(ruleset, dt.date.today()) else None
        given = _as_of(same, locale) or today
        return _date_page(question, ruleset, locales, locale, typed_for(question, given, locale))
    reading = read(question, request.form, locale)
    if reading.error:
        own = [Problem(AS_OF, reading.error)]
        return _date_page(question, ruleset, locales, locale, reading.typed, own)
    try:
        started = _begin(ruleset_id, reading.value, locale, same)
    except ApiProblem as problem:
        return _date_page(question, ruleset, locales, locale, reading.typed, problems(problem))
    trail = same.trail if same else []
    save(Interview(started["id"], ruleset_id, locales, default, trail))
    return redirect_to(url_for("interview.next_page"))


def _as_of(same: Interview | None, locale: str) -> str | None:
    """The date the browser's interview of this rule set checks, if it has a live one."""
    if same is None:
        return None
    try:
        return str(web().api.session(same.session_id, locale)["as_of"])
    except SessionGone:
        return None


def _begin(ruleset_id: str, as_of: str, locale: str, same: Interview | None) -> Json:
    """A session for `as_of`; a new date keeps the answers the new version still accepts."""
    api = web().api
    if same is None:
        return api.create_session(ruleset_id, as_of, locale)
    try:
        before = api.session(same.session_id, locale)
    except SessionGone:
        return api.create_session(ruleset_id, as_of, locale)
    if before["as_of"] == as_of:
        return before
    answers = dict(before["answers"])
    try:
        return api.create_session(ruleset_id, as_of, locale, answers)
    except ApiProblem as problem:
        if problem.type != "invalid-answers":
            raise
        # Errors name JSON Pointers into the request (`/answers/state`); flat ids in older APIs.
        refused = {key.removeprefix("/answers/").removeprefix("/") for key in problem.errors}
        kept = {k: v for k, v in answers.items() if k not in refused}
        return api.create_session(ruleset_id, as_of, locale, kept)


def _date_page(
    question: Question,
    ruleset: Json,
    locales: list[str],
    locale: str,
    typed: dict[str, str] | object,
    errors: list[Problem] | None = None,
) -> Response:
    title = localize(ruleset.get("title"), locale, ruleset.get("default_locale", "en"))
    return page(
        "question.html",
        locale,
        locales,
        status=422 if errors else 200,
        question=question,
        typed=typed,
        caption=title,
        back_url=url_for("interview.index"),
        action=request.path,
        interview=None,
        **question_context(question, errors or [], locale),
    )


@bp.get("/resume/<session_id>")
def resume(session_id: str) -> Response:
    """Open an interview from its link (on any device, until the session expires)."""
    if not SESSION_ID.fullmatch(session_id):
        abort(404)
    data = web().api.session(session_id, None)
    ruleset = data["ruleset"]
    version = web().api.version(ruleset["id"], ruleset["version"])
    default = str(version.get("default_locale", "en"))
    save(Interview(session_id, ruleset["id"], list(version.get("locales") or [default]), default))
    return redirect_to(url_for("interview.next_page"))


@bp.get("/save")
def save_for_later() -> Response:
    """The link that resumes this interview, and until when it works."""
    interview = opened()
    link = url_for("interview.resume", session_id=interview.held.session_id, _external=True)
    expires = dt.datetime.fromisoformat(interview.data["expires_at"]).astimezone(dt.UTC)
    until = f"{format_date(expires.date(), interview.locale)}, {expires:%H:%M}"
    return page(
        "save.html",
        interview.locale,
        interview.held.locales,
        link=link,
        expires=until,
        back_url=url_for("interview.next_page"),
    )
