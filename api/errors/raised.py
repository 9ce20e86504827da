"""The errors the API raises on purpose, each with its status and problem type."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


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
