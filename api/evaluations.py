"""`POST /v1/evaluations`: stateless evaluation; stores nothing."""

from __future__ import annotations

from flask import Blueprint, Response

from api.auth import require
from api.catalogue import evaluate_request
from api.jsonio import json_body, load, query
from api.languages import localized
from api.openapi import operation
from api.schemas import EvaluationQuerySchema, EvaluationRequestSchema, EvaluationSchema
from eligibility.records import Role

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
    result = evaluate_request(load(_REQUEST, json_body()), args["trace"])
    return localized(_RESPONSES[bool(args["trace"])].dump(result), result.locale)
