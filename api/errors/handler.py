"""The one error handler: every exception (core, Flask or the API's own) to problem+json."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from api.errors.core import core_problem
from api.errors.envelope import problem
from api.errors.raised import ApiError, InvalidRequest, MalformedJson
from eligibility.errors import EligibilityError
from eligibility.values_io import pointer

log = logging.getLogger("api.errors")


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
        return core_problem(error)
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
