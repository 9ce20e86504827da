"""The problem+json envelope (RFC 9457) that every failure is written in."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import Response, current_app, json, request

PROBLEM_JSON = "application/problem+json"
_SURROGATE = re.compile("[\ud800-\udfff]")


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
