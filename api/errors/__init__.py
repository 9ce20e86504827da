"""The one error envelope: every failure becomes `application/problem+json` (RFC 9457).

Core exceptions, HTTP errors raised by Flask/Werkzeug (404, 405, 413, …) and the
API's own `ApiError`s all pass through `handle_error`; anything unexpected becomes
a bare 500 whose details stay in the log. `raised` holds the API's own errors,
`envelope` writes the problem, `core` maps the core's branches, `handler` dispatches.
"""

from __future__ import annotations

from api.errors.core import core_problem, path_pointer, status_of
from api.errors.envelope import PROBLEM_JSON, problem
from api.errors.handler import field_errors, handle_error, init_app
from api.errors.raised import (
    ApiError,
    Forbidden,
    InvalidRequest,
    MalformedJson,
    NotAcceptable,
    PreconditionRequired,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
    UnsupportedMediaType,
)

__all__ = [
    "PROBLEM_JSON",
    "ApiError",
    "Forbidden",
    "InvalidRequest",
    "MalformedJson",
    "NotAcceptable",
    "PreconditionRequired",
    "ServiceUnavailable",
    "TooManyRequests",
    "Unauthorized",
    "UnsupportedMediaType",
    "core_problem",
    "field_errors",
    "handle_error",
    "init_app",
    "path_pointer",
    "problem",
    "status_of",
]
