"""The languages a caller wants: `locale` if given, else `Accept-Language` (best first)."""

from __future__ import annotations

from flask import request


def wanted_locales(explicit: str | None = None) -> tuple[str, ...]:
    """Languages the caller wants, best first: an explicit `locale`, else Accept-Language.

    The core picks the first one a version has (RFC 4647 lookup; see `choose_locale`).
    """
    if explicit:
        return (explicit,)
    if not request.environ.get("HTTP_ACCEPT_LANGUAGE"):  # nothing to parse
        return ()
    return tuple(tag for tag, quality in request.accept_languages if quality > 0)
