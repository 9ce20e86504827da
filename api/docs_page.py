"""`/docs`: the interactive API reference (Swagger UI, vendored) over the OpenAPI document.

Swagger UI's files ship inside the package (`api/static/swagger-ui`, with its Apache-2.0
LICENSE and NOTICE), so the page loads nothing from elsewhere; a Content-Security-Policy
says so to the browser. Without JavaScript, the same reference is shown as plain HTML.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, send_from_directory, url_for

from api.openapi import spec_of

bp = Blueprint("docs", __name__)
SWAGGER_UI = Path(__file__).parent / "static" / "swagger-ui"
ASSETS = Path(__file__).parent / "static" / "docs"
# Everything from this server; Swagger UI sets inline styles and shows inline SVG images.
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)

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
    parts = [
        f'<div class="op"><span class="method">{escape(method)}</span>'
        f"<code>{escape(path)}</code> — {escape(op.get('summary', ''))}",
        f"<p>{escape(op.get('description', ''))}</p>" if op.get("description") else "",
        f'<p class="muted">Parameters: {params}</p>' if params else "",
        "".join(
            f'<p class="muted">Body ({escape(m)}): {escape(_ref(c.get("schema")))}</p>'
            for m, c in body.items()
        ),
        f'<p class="muted">Responses: {responses}</p></div>',
    ]
    return "".join(parts)


def render(spec: dict[str, Any]) -> str:
    """The reference as plain HTML, grouped by tag in the document's order of tags."""
    by_tag: dict[str, list[str]] = {t["name"]: [] for t in spec.get("tags", [])}
    for path, operations in spec.get("paths", {}).items():
        for method, op in operations.items():
            tag = (op.get("tags") or ["service"])[0]
            by_tag.setdefault(tag, []).append(_operation_html(path, method, op))
    described = {t["name"]: t.get("description", "") for t in spec.get("tags", [])}
    sections = "".join(
        f"<h2>{escape(tag)}</h2><p>{escape(described.get(tag, ''))}</p>{''.join(ops)}"
        for tag, ops in by_tag.items()
        if ops
    )
    info = spec.get("info", {})
    return (
        f"<h1>{escape(info.get('title', 'API'))} "
        f"<span class=muted>{escape(info.get('version', ''))}</span></h1>"
        f"<p>{escape(info.get('description', ''))}</p>{sections}"
    )


def page(spec: dict[str, Any]) -> str:
    """The HTML page: Swagger UI, and the plain reference for browsers without JavaScript."""
    title = escape(spec.get("info", {}).get("title", "API"))
    assets = url_for("docs.swagger_ui", filename="")
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>{title}</title>"
        f'<link rel=icon type="image/png" href="{assets}favicon-32x32.png">'
        f'<link rel=stylesheet href="{assets}swagger-ui.css">'
        f'<link rel=stylesheet href="{url_for("docs.asset", filename="docs.css")}">'
        "</head><body>"
        f'<div id=swagger-ui data-openapi="{url_for("openapi.openapi_json")}"></div>'
        f"<noscript><style>{_STYLE}</style>{render(spec)}"
        f'<p>Machine-readable: <a href="{url_for("openapi.openapi_json")}">/openapi.json</a> '
        "(OpenAPI 3.1). Errors are <code>application/problem+json</code> (RFC 9457).</p>"
        "</noscript>"
        f'<script src="{assets}swagger-ui-bundle.js"></script>'
        f'<script src="{url_for("docs.asset", filename="docs.js")}"></script>'
        "</body></html>"
    )


@bp.get("/docs")
def docs() -> Response:
    """The interactive API reference (Swagger UI over /openapi.json)."""
    response = Response(page(spec_of(current_app)), mimetype="text/html")
    response.headers["Content-Security-Policy"] = POLICY
    return response


@bp.get("/docs/swagger-ui/<path:filename>")
def swagger_ui(filename: str) -> Response:
    """Swagger UI's own files (vendored; see LICENSE and NOTICE beside them)."""
    return _static(SWAGGER_UI, filename)


@bp.get("/docs/assets/<path:filename>")
def asset(filename: str) -> Response:
    """The page's own script and style."""
    return _static(ASSETS, filename)


def _static(folder: Path, filename: str) -> Response:
    response = send_from_directory(folder, filename, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
