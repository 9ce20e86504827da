"""`POST /v1/evaluations`: stateless evaluation; stores nothing."""

from __future__ import annotations

from flask import Blueprint, Response

from api.auth import principal, require
from api.jsonio import json_body, load, query
from api.languages import localized, wanted_locales
from api.openapi import operation
from api.schemas import EvaluationQuerySchema, EvaluationRequestSchema, EvaluationSchema
from api.state import state
from eligibility.records import Role
from eligibility.services import EvaluationRequest

bp = Blueprint("evaluations", __name__, url_prefix="/v1/evaluations")
EVALUATORS: tuple[Role, ...] = ("client", "author", "publisher")
# The hot path: schemas are built once (they hold no per-request state).
_QUERY, _REQUEST = EvaluationQuerySchema(), EvaluationRequestSchema()
_RESPONSES = {True: EvaluationSchema(), False: EvaluationSchema(exclude=("trace",))}


@bp.post("")
@operation(
    EvaluationSchema,
    body=EvaluationRequestSchema,
    query=EvaluationQuerySchema,
    errors=(404, 422),
    localized=True,
    tag="evaluations",
)
@require(*EVALUATORS, public=True)
def create_evaluation() -> Response:
    """Evaluate answers: goals (decided or not), reasons, next questions; stores nothing.

    `status` is `complete` exactly when every goal is decided. `?trace=true` adds the trace.
    """
    args = query(_QUERY)
    body = load(_REQUEST, json_body())
    request = EvaluationRequest(
        body["ruleset"],
        body["answers"],
        body.get("version"),
        body.get("as_of"),
        wanted_locales(body.get("locale")),
        with_trace=bool(args["trace"]),
    )
    result = state().evaluator.evaluate(request, drafts=principal().sees_drafts)
    return localized(_RESPONSES[request.with_trace].dump(result), result.locale)
