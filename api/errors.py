"""The one error envelope: every failure becomes `application/problem+json` (RFC 9457).

Core exceptions, HTTP errors raised by Flask/Werkzeug (404, 405, 413, …) and the
API's own `ApiError`s all pass through `handle_error`; anything unexpected becomes
a bare 500 whose details stay in the log.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, g, json, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from api import metrics
from eligibility.errors import (
    AnswerError,
    ClaimDateConflict,
    Conflict,
    CoverageIncomplete,
    EligibilityError,
    IncompleteDecision,
    InvalidCursor,
    InvalidRequestError,
    NotAllowed,
    NotFound,
    NoVersionApplies,
    PreconditionFailed,
    RuleFileError,
    RuleSetError,
    ScenariosFailed,
    ServiceError,
    StorageUnavailable,
)
from eligibility.values_io import pointer, to_plain

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("api.errors")
_SURROGATE = re.compile("[\ud800-\udfff]")


class ApiError(Exception):
    """An error the API raises on purpose, with its status, problem type and fields."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = errors
        self.headers = dict(headers or {})
        self.extra = extra


class MalformedJson(ApiError):
    """The body is not JSON (400)."""

    status, slug, title = 400, "malformed-json", "Malformed JSON"


class UnsupportedMediaType(ApiError):
    """The body is not of an accepted media type (415)."""

    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


class InvalidRequest(ApiError):
    """The body or query does not fit the request schema (422)."""

    status, slug, title = 422, "invalid-request", "Invalid request"


class Unauthorized(ApiError):
    """No valid API key (401)."""

    status, slug, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="eligibility"'})


class Forbidden(ApiError):
    """The API key lacks the role (403)."""

    status, slug, title = 403, "forbidden", "Forbidden"


class NotAcceptable(ApiError):
    """None of the media types the client accepts can be given (406)."""

    status, slug, title = 406, "not-acceptable", "Not acceptable"


class TooManyRequests(ApiError):
    """Too many failed attempts to authenticate from this address (429)."""

    status, slug, title = 429, "too-many-requests", "Too many failed attempts"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class PreconditionRequired(ApiError):
    """A change that must name the state it was made on, sent without If-Match (428)."""

    status, slug, title = 428, "precondition-required", "If-Match required"


class ServiceUnavailable(ApiError):
    """Storage (or another dependency) cannot be reached (503)."""

    status, slug, title = 503, "service-unavailable", "Service unavailable"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": "5"})


# The core's branches (errors.py) and the status each means over HTTP; the most specific
# branch that matches decides. Anything else the core raises is a 500.
_STATUS_BY_BRANCH: tuple[tuple[type[EligibilityError], int], ...] = (
    (NotFound, 404),
    (PreconditionFailed, 412),
    (NotAllowed, 403),
    (InvalidRequestError, 422),
    (Conflict, 409),
    (RuleFileError, 422),
    (StorageUnavailable, 503),
    (ServiceError, 500),
)


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str | None = None,
    headers: Mapping[str, str] | None = None,
    **members: Any,
) -> Response:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": current_app.config["PROBLEM_BASE"] + slug,
        "title": title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    body.update({k: v for k, v in members.items() if v is not None})
    # A lone surrogate that slipped into a text is shown as its escape, never a 500 here.
    data = _SURROGATE.sub(lambda m: f"\\\\u{ord(m.group()):04x}", json.dumps(body))
    response = current_app.response_class(data, status=status, mimetype=PROBLEM_JSON)
    response.headers.update(headers or {})
    return response


def handle_error(error: Exception) -> Response:
    """The one error handler, registered for every exception."""
    if isinstance(error, ApiError):
        return problem(
            error.status,
            error.slug,
            error.title,
            error.detail,
            error.headers,
            errors=error.errors,
            **error.extra,
        )
    if isinstance(error, HTTPException):
        return _http(error)
    if isinstance(error, ValidationError):
        return problem(422, InvalidRequest.slug, InvalidRequest.title, errors=field_errors(error))
    if isinstance(error, EligibilityError):
        return _core(error)
    if isinstance(error, RecursionError):
        return problem(
            400, MalformedJson.slug, "Too deeply nested", "the body is nested too deeply"
        )
    log.exception("unhandled error on %s %s", request.method, request.path)
    return problem(500, "internal-error", "Internal server error")


def _http(error: HTTPException) -> Response:
    status = error.code or 500
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    slug = (error.name or "error").lower().replace(" ", "-")
    detail = error.description if status < 500 else None
    if status == 413:
        detail = f"the body is larger than {current_app.config['MAX_CONTENT_LENGTH']} bytes"
    return problem(status, slug, error.name, detail, headers)


def status_of(error: EligibilityError) -> int:
    """The HTTP status of a core error: by its branch of the exception tree."""
    return next((status for cls, status in _STATUS_BY_BRANCH if isinstance(error, cls)), 500)


def _core(error: EligibilityError) -> Response:
    status = status_of(error)
    if isinstance(error, StorageUnavailable):
        metrics.database_error()
        log.warning("storage unavailable: %s", error)
        return problem(503, error.code, error.title, error.advice, {"Retry-After": "5"})
    if status >= 500:
        log.error("core failure: %s: %s", error.__class__.__name__, error)
        return problem(500, error.code, error.title)
    return problem(
        status, error.code, error.title, _detail(error), _headers(error), **_members(error)
    )


def _headers(error: EligibilityError) -> dict[str, str]:
    """A 412 names the current state (its ETag), so a client can read it and try again."""
    if isinstance(error, PreconditionFailed) and error.current not in ("", "(deleted)"):
        current = error.current
        quoted = current.startswith(('"', 'W/"'))
        return {"ETag": current if quoted else f'"{current}"'}
    return {}


def _members(error: EligibilityError) -> dict[str, Any]:
    """The structured fields of a core error, `errors` keyed by JSON Pointer or parameter."""
    if isinstance(error, AnswerError):
        at = g.get("answers_pointer", pointer("answers"))  # where the answers are in the body
        return {"errors": {at + k: v for k, v in error.errors.items()}}
    if isinstance(error, RuleSetError):
        return {
            "problems": [_public_problem(p.to_dict()) for p in error.problems],
            "errors": _problems_by_pointer(error),
        }
    if isinstance(error, ScenariosFailed):
        return {"failures": [_failure(f) for f in error.failures]}
    if isinstance(error, CoverageIncomplete):
        return {"missed": [_missed(o) for o in error.missed]}
    if isinstance(error, InvalidCursor):
        return {"errors": {"cursor": [str(error)]}}
    if isinstance(error, IncompleteDecision):
        return {"undecided": error.undecided, "next_questions": error.next_questions}
    if isinstance(error, NoVersionApplies):
        if error.path[0] == "answers":  # the claim's own date, an answer
            at = g.get("answers_pointer", pointer("answers"))
            return {"errors": {at + pointer(*error.path[1:]): [str(error)]}}
        return {"errors": {pointer(*error.path): [str(error)]}}
    if isinstance(error, ClaimDateConflict):
        at = g.get("answers_pointer", pointer("answers"))
        both = [str(error)]
        return {"errors": {pointer("as_of"): both, at + pointer(error.question): both}}
    return {}


def _detail(error: EligibilityError) -> str:
    if isinstance(error, AnswerError):
        return "some answers do not fit the questions"
    if isinstance(error, RuleSetError):
        return f"the version has {len(error.problems)} problem(s); see `problems`"
    return str(error)


def _public_problem(data: dict[str, object]) -> dict[str, object]:
    # File names of the server's rule directory are internal detail; request bodies are not.
    data.pop("file", None)
    return data


def _missed(outcome: Any) -> dict[str, Any]:
    """An outcome no scenario exercises (its file is the server's business, not the caller's)."""
    return {
        "path": outcome.path,
        "kind": outcome.kind,
        "expression": outcome.expression,
        "outcome": outcome.value,
        "detail": outcome.describe(),
    }


def _failure(result: Any) -> dict[str, Any]:
    mismatches = getattr(result, "mismatches", ())
    return {
        "scenario": getattr(result, "name", str(result)),
        "error": getattr(result, "error", None),
        "mismatches": [
            {"what": m.what, "expected": to_plain(m.expected), "actual": to_plain(m.actual)}
            for m in mismatches
        ],
    }


_PATH_PART = re.compile(r"[^.\[\]]+")


def path_pointer(path: str) -> str:
    """A rule-file path (`rules.adult.when`, `scenarios[0].answers.x`) as a JSON Pointer."""
    return pointer(*_PATH_PART.findall(path))


def _problems_by_pointer(error: RuleSetError) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for p in error.problems:
        message = p.message + (f" (did you mean '{p.suggestion}'?)" if p.suggestion else "")
        found.setdefault(path_pointer(p.path), []).append(message)
    return found


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    """Marshmallow's nested messages flattened to {"/field/sub": [messages]} (JSON Pointers)."""
    flat: dict[str, list[str]] = {}
    _flatten(error.messages, (), flat)
    return flat


def _flatten(messages: Any, at: tuple[str, ...], out: dict[str, list[str]]) -> None:
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            _flatten(value, at if key == "_schema" else (*at, str(key)), out)
    elif isinstance(messages, list | tuple):
        for item in messages:
            _flatten(item, at, out)
    else:
        out.setdefault(pointer(*at), []).append(str(messages))


def init_app(app: Flask) -> None:
    """Register the handler for every exception, Flask's own HTTP errors included."""
    app.config.setdefault("PROBLEM_BASE", "/problems/")
    app.register_error_handler(Exception, handle_error)
