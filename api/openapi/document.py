"""The OpenAPI 3.1 document of the app, built once from the operations its views declare."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, Response, current_app, jsonify

from api.fields import scalar_schema_properties
from api.openapi.contract import Operation
from api.openapi.paths import flask_path, path_operation
from api.parameters import constrain_query_texts
from api.schemas import ProblemSchema

API_VERSION = "1.0.0"

# The order of the reference: what a front end needs first, operations last.
TAGS = (
    ("rulesets", "Rule sets, their versions in full, and their questions as JSON Schema."),
    (
        "evaluations",
        "Evaluate answers without storing anything: goals, reasons, next questions.",
    ),
    ("sessions", "Interviews kept on the server, edited under ETags, submitted as a decision."),
    ("decisions", "Record decisions in the hash chain; read, list, export and replay them."),
    ("authoring", "Send draft versions (YAML or JSON), publish and retire them."),
    ("audit", "Verify the hash chain; batch replays (what-if) over recorded decisions."),
    ("batch", "Assess whole populations under a version or two; the impact report."),
    ("health", "Liveness and readiness for load balancers and orchestrators."),
)
DESCRIPTION = """Rules as code: rule sets, evaluations, interviews, decisions.

Send an API key as `Authorization: Bearer <key>` (the **Authorize** button here); each
operation says which roles may call it and whether it is open without a key on this
server. Errors are `application/problem+json` (RFC 9457), with `errors` keyed by JSON
Pointer into the request body. Amounts are exact decimals written as strings.
"""


def build_spec(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the app's routes."""
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="Eligibility rules service",
        version=API_VERSION,
        openapi_version="3.1.0",
        plugins=[plugin],
        info={"description": DESCRIPTION},
        tags=[{"name": name, "description": text} for name, text in TAGS],
    )
    anonymous = bool(app.extensions["eligibility"].config.anonymous_access)
    assert plugin.converter is not None
    plugin.converter.add_attribute_function(scalar_schema_properties)  # type: ignore[no-untyped-call]
    spec.components.schema("Problem", schema=ProblemSchema)
    spec.components.security_scheme("apiKey", {"type": "http", "scheme": "bearer"})
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions.get(rule.endpoint)
        meta: Operation | None = getattr(view, "openapi", None)
        if meta is None:
            continue
        path, names = flask_path(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operation = path_operation(view, meta, names, anonymous)
            spec.path(path=path, operations={method.lower(): operation})
    return constrain_query_texts(spec.to_dict())


def spec_of(app: Flask) -> dict[str, Any]:
    """The app's OpenAPI document, built once."""
    found: dict[str, Any] | None = app.extensions.get("openapi")
    if found is None:
        found = app.extensions["openapi"] = build_spec(app)
    return found


bp = Blueprint("openapi", __name__)


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI 3.1 document."""
    return jsonify(spec_of(current_app))
