"""`POST /v1/evaluations`: stateless evaluation; stores nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint

from api.auth import Principal, principal, require
from api.evaluation_body import evaluation_body
from api.languages import wanted_locales
from api.openapi import Reply, operation
from api.schemas import PARTS, EvaluationQuerySchema, EvaluationRequestSchema, EvaluationSchema
from api.state import AppState, state
from eligibility.records import Role
from eligibility.services import EvaluationRequest

bp = Blueprint("evaluations", __name__, url_prefix="/v1/evaluations")
EVALUATORS: tuple[Role, ...] = ("client", "author", "publisher")


@bp.post("")
@require(*EVALUATORS, public=True)
@operation(
    EvaluationSchema,
    body=EvaluationRequestSchema,
    query=EvaluationQuerySchema,
    errors=(404, 422),
    localized=True,
    tag="evaluations",
    body_examples={
        "by date": {
            "summary": "The published version covering a date",
            "value": {
                "ruleset": "snap",
                "as_of": "2020-01-15",
                "locale": "en",
                "answers": {"state": "UT", "household_size": 3},
            },
        },
        "by version": {
            "summary": "A named version, amounts as strings",
            "value": {
                "ruleset": "snap",
                "version": "2019-10-01",
                "answers": {
                    "state": "IL",
                    "household_size": 2,
                    "earned_income_monthly": "1200.00",
                },
            },
        },
    },
)
def create_evaluation(body: dict[str, Any], query: dict[str, Any]) -> Reply:
    """Evaluate answers: goals (decided or not), reasons, next questions; stores nothing.

    `status` is `complete` exactly when every goal is decided. `?trace=true` adds the trace;
    `?fields=goals` (or any list of the optional parts) leaves the other parts out.
    """
    data, locale = evaluated(body, query, principal(), state())
    return Reply(data, locale=locale, dumped=True)


def evaluated(
    body: dict[str, Any],
    query: dict[str, Any],
    caller: Principal,
    app: AppState,
    environ: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], str]:
    """The view's work once its arguments are loaded and its caller let in: the response's
    JSON document and language (the view, and api.fast_path with the request's environ)."""
    request = evaluation_request(body, with_trace=bool(query["trace"]), environ=environ)
    result = app.evaluator.evaluate(request, drafts=caller.sees_drafts)
    # Built directly, not dumped with EvaluationSchema (the contract it matches, tested).
    parts = query["fields_"].split(",") if query.get("fields_") else PARTS
    return evaluation_body(result, parts, trace=request.with_trace), result.locale


def evaluation_request(
    body: dict[str, Any], with_trace: bool = False, environ: Mapping[str, Any] | None = None
) -> EvaluationRequest:
    """The core's request from a loaded evaluation body and the caller's languages."""
    return EvaluationRequest(
        body["ruleset"],
        body["answers"],
        body.get("version"),
        body.get("as_of"),
        wanted_locales(body.get("locale"), environ),
        with_trace=with_trace,
    )
