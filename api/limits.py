"""Hostile-input guards before a view runs: over-long targets and headers, oversized bodies.

gunicorn refuses request lines and header fields past its own limits with a bare HTML page;
`eligibility serve` sets those limits above the ones here, so a client that goes over these
gets a problem+json answer naming the limit (docs/api.md, "Limits").
"""

from __future__ import annotations

from typing import Any

from flask import Request, current_app
from werkzeug.exceptions import (
    RequestEntityTooLarge,
    RequestHeaderFieldsTooLarge,
    RequestURITooLarge,
)

MAX_TARGET = 4096  # bytes of path and query string
MAX_HEADER_FIELD = 8190  # bytes of one header field (name, ": " and value)
# gunicorn's own limits (its HTML error pages), above ours so that ours answer first
SERVER_REQUEST_LINE = 8190  # gunicorn's maximum
SERVER_HEADER_FIELD = 2 * MAX_HEADER_FIELD


def check_request(found: Request) -> None:
    """Refuse a too long target (414), header field (431) or chunked body (413)."""
    environ = found.environ
    target = environ.get("RAW_URI") or found.full_path
    if len(target) > MAX_TARGET:
        raise RequestURITooLarge(f"the path and query are longer than {MAX_TARGET} bytes")
    if _long_environ_item(environ):  # the header names are no longer than their keys
        for name, value in found.headers.items():
            if len(name) + len(value) + 2 > MAX_HEADER_FIELD:
                raise RequestHeaderFieldsTooLarge(
                    f"the header {name} is longer than {MAX_HEADER_FIELD} bytes"
                )
    _chunked_body(found)


def within_limits(environ: dict[str, Any]) -> bool:
    """True when `check_request` finds nothing to refuse in the target and the headers of a
    request whose target is its PATH_INFO and QUERY_STRING (api.fast_path checks the rest)."""
    path, query = environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")
    target = environ.get("RAW_URI") or f"{path}?{query}"
    return len(target) <= MAX_TARGET and not _long_environ_item(environ)


def _long_environ_item(environ: dict[str, Any]) -> bool:
    """True if some text of the environ is as long as a header field past the limit."""
    for key, value in environ.items():
        if type(value) is str and len(key) + len(value) + 2 > MAX_HEADER_FIELD:  # noqa: E721
            return True
    return False


def _chunked_body(found: Request) -> None:
    """A body without Content-Length (chunked) is read now: past the limit it is a 413.

    Werkzeug stops reading such a body at MAX_CONTENT_LENGTH and hands on what it read,
    which would evaluate a truncated document; one byte more tells the two apart.
    """
    if (
        "chunked" not in found.environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        or found.content_length is not None
    ):
        return
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if len(found.get_data(cache=True)) >= limit and found.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()
