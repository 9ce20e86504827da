"""The language of a response: `locale` if given, else `Accept-Language`, else the default."""

from __future__ import annotations

from flask import Response, jsonify, request


def wanted_locales(explicit: str | None = None) -> tuple[str, ...]:
    """Languages the caller wants, best first: an explicit `locale`, else Accept-Language.

    The core picks the first one a version has (RFC 4647 lookup; see `choose_locale`).
    """
    if explicit:
        return (explicit,)
    return tuple(tag for tag, quality in request.accept_languages if quality > 0)


def localized(data: object, locale: str, status: int = 200) -> Response:
    """A JSON response that says which language it is in."""
    response = jsonify(data)
    response.status_code = status
    response.headers["Content-Language"] = locale
    response.vary.add("Accept-Language")
    return response
