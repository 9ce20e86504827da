"""An impact report as a response: JSON, or an HTML page with its charts (replays, batches)."""

from __future__ import annotations

import json
from typing import Any

from flask import Response

from api.downloads import negotiated
from eligibility.batch.publish import charts, render_html

REPORT_TYPES = {"json": "application/json", "html": "text/html"}


def report_response(report: dict[str, Any], chosen: str | None) -> Response:
    """The report in the chosen format (?format=), else the one the Accept header prefers."""
    refusal = "the report is application/json or text/html (or ?format=json|html)"
    if (chosen or negotiated(REPORT_TYPES, refusal)) == "html":
        response = Response(render_html(report, charts(report)), mimetype=REPORT_TYPES["html"])
    else:
        response = Response(json.dumps(report), mimetype=REPORT_TYPES["json"])
    response.vary.add("Accept")
    return response
