"""An impact report as a response: JSON, or an HTML page with its charts (replays, batches)."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request

from api.errors import NotAcceptable
from eligibility.batch.publish import charts, render_html

REPORT_TYPES = {"json": "application/json", "html": "text/html"}


def report_response(report: dict[str, Any], chosen: str | None) -> Response:
    """The report in the chosen format (?format=), else the one the Accept header prefers."""
    if (chosen or _negotiated()) == "html":
        response = Response(render_html(report, charts(report)), mimetype=REPORT_TYPES["html"])
    else:
        response = Response(json.dumps(report), mimetype=REPORT_TYPES["json"])
    response.vary.add("Accept")
    return response


def _negotiated() -> str:
    if not request.headers.get("Accept"):
        return "json"
    best = request.accept_mimetypes.best_match(list(REPORT_TYPES.values()))
    if best is None:
        raise NotAcceptable("the report is application/json or text/html (or ?format=json|html)")
    return "html" if best == REPORT_TYPES["html"] else "json"
