"""`POST /v1/evaluations` and `POST /v1/decisions` answered in front of Flask when plain.

Per request, Flask's request machinery (its request and response objects, matching the
URL, dispatching the hooks, the view's wrappers) cost about as much CPU as everything the
API does besides `evaluate()` (a third of a recorded decision's), and bare Flask pays it
too. This WSGI layer, installed around the app's `wsgi_app`, answers the plain request
itself with the same functions, in the same order: the before hook (request id, clock,
database deadline, limits, rule files), `@require` (the caller), `@operation` (headers,
query, body), the view, the after hook (metrics, access line with the request id) and the
teardown (deadline lifted), in an app context whose `g` holds what the hooks keep there.
The endpoints' own parts, each its view's work, are in api/fast_routes.py.

Anything else goes to Flask untouched, and so does any plain request it does not answer
itself: it hands Flask the body it read, and Flask answers as it always did (every error
problem+json, from the one handler). An error meant for the caller (a body or query
refused, the core's errors: unknown version, bad answers, an incomplete decision, a
conflict, storage unavailable) is handed on with the request and raised again by the
before hook, so the handler words it as the view's error without the request being
evaluated (or waiting on the database) twice; a caller it would not let in (no, a wrong or
a throttled key; another role), or anything unforeseen before a decision is recorded,
Flask answers from the start. Once a decision is recorded, any error is handed on to be
answered as it is (never recorded twice). Nothing is counted or logged twice: the fast
path writes its metrics and access line only once its answer is made, authenticates
without counting failures (`auth.identify`), and the evaluation counter moves only for a
finished evaluation (a failure writing its body, after it, would count it twice). Plain
means: POST to exactly one of the two paths, a JSON `Content-Type` (as `json_body` takes
it), a Content-Length within MAX_CONTENT_LENGTH, no Transfer-Encoding, a query string of
at most `name=value` pairs in letters, digits, `_` and `,`, every header within the
limits (api.limits, the documented headers' MAX_HEADER), the app's hooks exactly those
api.hooks registered (CORS's, or any other hook, sends every request to Flask), and no
host named or checked by the config (`SERVER_NAME`, `TRUSTED_HOSTS`, host or subdomain
matching): a decision's `Location` is then the path alone, as `url_for` writes it.
tests/api/test_api_fast_path.py holds its answers to Flask's, header for header.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

import orjson
from flask import Flask
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES, parse_options_header

from api import deadlines, hooks, logs, metrics
from api.auth import allowed, identify
from api.errors import ApiError
from api.fast_routes import Decisions, Evaluations, Route
from api.jsonio import is_json_type, json_response
from api.limits import within_limits
from api.parameters import MAX_HEADER
from api.state import EXTENSION, AppState
from eligibility.errors import EligibilityError

_QUERY = re.compile(r"^(?:[A-Za-z0-9_]+=[A-Za-z0-9_,]*(?:&[A-Za-z0-9_]+=[A-Za-z0-9_,]*)*)?$")
# as api.jsonio.json_response asks orjson (what it refuses is written by the app's provider)
_ORJSON = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_ORJSON |= orjson.OPT_APPEND_NEWLINE

# Errors meant for the caller (a refused body, query or answers; an unknown version; storage
# unavailable): Flask's handler answers them as raised, without evaluating again.
ANSWERED = (ApiError, HTTPException, ValidationError, EligibilityError)
StartResponse = Callable[..., Any]
WSGI = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class FastPath:
    """The app's WSGI callable with plain evaluation and decision requests answered outside
    Flask."""

    def __init__(self, app: Flask, flask: WSGI) -> None:
        self.app = app
        self.flask = flask  # Flask's own wsgi_app: everything else, and every fallback
        self.state: AppState = app.extensions[EXTENSION]
        self.routes = {r.path: r for r in (Evaluations(app), Decisions(app))}
        self.only_our_hooks = hooks.only_ours(app)  # any other hook (CORS, say): Flask answers

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer a plain request, or hand the request to Flask."""
        route = self.routes.get(environ.get("PATH_INFO", ""))
        length = None if route is None else self._plain(route, environ)
        if route is None or length is None:
            return self.flask(environ, start_response)
        data = environ["wsgi.input"].read(length)
        answered = self._answer(route, environ, data) if len(data) == length else None
        if not isinstance(answered, tuple):  # Flask answers, with the body as read
            given = {**environ, "wsgi.input": io.BytesIO(data)}
            if answered is not None:  # the error met: raised again by the before hook
                given[hooks.FAILED] = answered
            return self.flask(given, start_response)
        status, headers, text = answered
        start_response(status, headers)
        return [text]

    def _plain(self, route: Route, environ: dict[str, Any]) -> int | None:
        """The body's length if the request is a plain one for `route`, else None."""
        if environ.get("REQUEST_METHOD") != "POST" or "HTTP_TRANSFER_ENCODING" in environ:
            return None
        given_type = environ.get("CONTENT_TYPE", "")
        if given_type != "application/json" and not _json_type(given_type):
            return None
        given = environ.get("CONTENT_LENGTH", "")
        if not given.isdigit() or not given.isascii():
            return None
        length = int(given)
        limit = self.app.config["MAX_CONTENT_LENGTH"]
        if length == 0 or (limit is not None and length > limit):
            return None
        if not _QUERY.match(environ.get("QUERY_STRING", "")) or not within_limits(environ):
            return None
        if any(len(environ.get(key, "")) > MAX_HEADER for key in route.headers):
            return None
        if not self.only_our_hooks() or not route.usable(self.app, environ):
            return None
        return length

    def _answer(
        self, route: Route, environ: dict[str, Any], data: bytes
    ) -> tuple[str, list[tuple[str, str]], bytes] | Exception | None:
        """The response's status, headers and body; or the error to answer, which Flask's
        handler words (a body it refused, an error of the core, any error once a decision
        is recorded); or None for Flask to answer."""
        context = self.app.app_context()
        context.push()
        try:
            here = context.g
            logs.start(here, environ)  # the before hook's work, in its order
            started = here.started = time.perf_counter()
            deadlines.start(here, self.state.config.request_timeout_seconds)
            try:
                hooks.sync_rule_files(self.state)
                caller = identify(environ, self.state)
                if caller is None or not allowed(caller, route.roles, route.public, self.state):
                    return None
                done = route.work(environ, data, caller, self.state)
                try:
                    return _written(here, route, *route.reply(environ, done), started)
                except Exception as error:
                    if route.records:  # recorded: Flask's handler answers it as it is,
                        return error  # never the request (it would record it again)
                    raise
            except ANSWERED as error:  # Flask's handler words it, as the view's error
                return error
            except Exception:  # noqa: BLE001 - unforeseen: Flask answers the request itself
                return None
            finally:
                deadlines.end(here)  # the teardown's
        finally:
            context.pop()


def _written(
    here: Any,
    route: Route,
    status: int,
    extra: list[tuple[str, str]],
    document: Any,
    locale: str,
    started: float,
) -> tuple[str, list[tuple[str, str]], bytes]:
    """The response's status line, headers and body, counted and logged (the after hook's)."""
    try:
        text = orjson.dumps(document, option=_ORJSON)
    except orjson.JSONEncodeError:  # what orjson refuses, written as Flask's view does
        text = json_response(document).get_data()
    request_id: str = here.request_id
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(text))),
        *extra,
        ("Content-Language", locale),
        ("Vary", "Accept-Language"),
        ("X-Request-Id", request_id),
    ]
    metrics.count(status, route.path, "POST", route.endpoint, started)
    logs.access(request_id, "POST", route.path, route.path, status, started)
    return _STATUS[status], headers, text


# the status lines werkzeug writes
_STATUS = {code: f"{code} {HTTP_STATUS_CODES[code].upper()}" for code in (200, 201)}


def _json_type(content_type: str) -> bool:
    """True when api.jsonio.json_body takes a body of this type (as werkzeug's `mimetype`
    reads it: parameters such as a charset left out, lowercase)."""
    return is_json_type(parse_options_header(content_type)[0].lower())


def install(app: Flask) -> None:
    """Answer plain evaluation and decision requests in front of the app's Flask machinery."""
    app.wsgi_app = FastPath(app, app.wsgi_app)  # type: ignore[method-assign]
