"""`/docs`: a self-contained HTML page of every operation, drawn from the OpenAPI document."""

from __future__ import annotations

from html import escape
from typing import Any

from flask import Blueprint, Response, current_app

from api.openapi import build_spec

bp = Blueprint("docs", __name__)

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}
.op{margin:1rem 0;padding:.6rem .8rem;border-left:4px solid #4a7}
.method{font-weight:bold;text-transform:uppercase;display:inline-block;width:4.5rem}
code{background:#f4f4f4;padding:0 .2rem}.muted{color:#666;font-size:.9em}
"""


def _ref(schema: Any) -> str:
    if isinstance(schema, dict) and "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    return "inline schema"


def _operation_html(path: str, method: str, op: dict[str, Any]) -> str:
    params = ", ".join(
        f"<code>{escape(p['name'])}</code> ({escape(p['in'])})" for p in op.get("parameters", [])
    )
    body = op.get("requestBody", {}).get("content", {})
    responses = ", ".join(
        f"{escape(status)} {escape(r.get('description', ''))}"
        for status, r in op.get("responses", {}).items()
    )
    roles = ", ".join(op.get("x-roles", [])) or "none"
    parts = [
        f'<div class="op"><span class="method">{escape(method)}</span>'
        f"<code>{escape(path)}</code> — {escape(op.get('summary', ''))}",
        f"<p>{escape(op.get('description', ''))}</p>" if op.get("description") else "",
        f'<p class="muted">Parameters: {params}</p>' if params else "",
        "".join(
            f'<p class="muted">Body ({escape(m)}): {escape(_ref(c.get("schema")))}</p>'
            for m, c in body.items()
        ),
        f'<p class="muted">Roles: {escape(roles)}. Responses: {responses}</p></div>',
    ]
    return "".join(parts)


def render(spec: dict[str, Any]) -> str:
    """The HTML page of a spec, grouped by tag."""
    by_tag: dict[str, list[str]] = {}
    for path, operations in spec.get("paths", {}).items():
        for method, op in operations.items():
            tag = (op.get("tags") or ["service"])[0]
            by_tag.setdefault(tag, []).append(_operation_html(path, method, op))
    sections = "".join(
        f"<h2>{escape(tag)}</h2>{''.join(ops)}" for tag, ops in sorted(by_tag.items())
    )
    info = spec.get("info", {})
    title, version = escape(info.get("title", "API")), escape(info.get("version", ""))
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{title}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{title} <span class=muted>{version}</span></h1>"
        f"<p>{escape(info.get('description', ''))}</p>"
        f'<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). '
        f"Errors are <code>application/problem+json</code> (RFC 9457).</p>{sections}</body></html>"
    )


@bp.get("/docs")
def docs() -> Response:
    """The API documentation as one HTML page."""
    spec = current_app.extensions.get("openapi") or build_spec(current_app)
    return Response(render(spec), mimetype="text/html")
