"""Pages for what went wrong: the session expired, no such page, an expired form, API failures."""

from __future__ import annotations

import logging

import httpx
from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from web.client import ApiProblem, SessionGone
from web.messages import LANGUAGE_NAMES
from web.render import page
from web.state import current, forget, language

log = logging.getLogger("web")


def _locale() -> tuple[str, list[str]]:
    held = current()
    if held is not None and held.locales:
        return held.locale, held.locales
    return language(list(LANGUAGE_NAMES), "en"), list(LANGUAGE_NAMES)


def _message_page(key: str, status: int) -> Response:
    locale, languages = _locale()
    return page("message.html", locale, languages, status=status, key=key)


def session_gone(error: SessionGone) -> Response:
    """The interview's session expired: say so, and offer to start again."""
    forget()
    return _message_page("gone", 410)


def api_problem(error: ApiProblem) -> Response:
    """A rule set that does not exist is a missing page; anything else is the service's fault."""
    if error.status == 404:
        return _message_page("missing", 404)
    log.error("the API answered %s %s", error.status, error.type)  # never answers: no details
    return _message_page("broken", 503 if error.status == 503 else 502)


def api_unreachable(error: httpx.HTTPError) -> Response:
    """The API could not be reached."""
    log.error("the API could not be reached: %s", type(error).__name__)
    return _message_page("broken", 503)


def http_error(error: HTTPException) -> Response:
    """Flask's own errors as pages: a failed CSRF check is an expired form."""
    if error.code == 400 and error.description == "csrf":
        return _message_page("csrf", 400)
    if error.code in (404, 405):
        return _message_page("missing", error.code)
    return _message_page("broken", error.code or 500)


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(SessionGone, session_gone)
    app.register_error_handler(ApiProblem, api_problem)
    app.register_error_handler(httpx.HTTPError, api_unreachable)
    for code in (400, 404, 405, 500):
        app.register_error_handler(code, http_error)
