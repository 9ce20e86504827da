"""The languages a caller wants: `locale` if given, else `Accept-Language` (best first)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header


def wanted_locales(
    explicit: str | None = None, environ: Mapping[str, Any] | None = None
) -> tuple[str, ...]:
    """Languages the caller wants, best first: an explicit `locale`, else Accept-Language.

    The core picks the first one a version has (RFC 4647 lookup; see `choose_locale`).
    `environ` is the request's (api.fast_path has no Flask request); Flask's by default.
    """
    if explicit:
        return (explicit,)
    header = (request.environ if environ is None else environ).get("HTTP_ACCEPT_LANGUAGE")
    if not header:  # nothing to parse
        return ()
    # what request.accept_languages parses (werkzeug), without a request
    accepted = parse_accept_header(header, LanguageAccept)
    return tuple(tag for tag, quality in accepted if quality > 0)
