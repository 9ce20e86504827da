"""`/v1/decisions`: record a decision (client; idempotent), read, list, export, replay (auditor)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from flask import Blueprint, Response, request, url_for

from api.auth import Principal, principal, require
from api.decision_body import decision_body
from api.downloads import EXPORT_TYPES, attachment, negotiated
from api.errors import InvalidRequest
from api.evaluations import evaluation_request
from api.openapi import Reply, header, operation
from api.record_schemas import (
    DecisionListQuerySchema,
    DecisionPageSchema,
    DecisionSchema,
    ExportQuerySchema,
    ReportQuerySchema,
    decision_filter,
)
from api.replay_schemas import ReplayRequestSchema, ReplaySchema
from api.schemas import DecisionRequestSchema
from api.state import AppState, state
from eligibility import services
from eligibility.decisions import ReplayResult
from eligibility.reports import render_html, render_pdf
from eligibility.services import Recorded

bp = Blueprint("decisions", __name__, url_prefix="/v1/decisions")
IDEMPOTENCY_KEY = header("Idempotency-Key", "Retries with the same key return the same decision.")
MAX_KEY_LENGTH = 200


def decision_reply(recorded: Recorded) -> Reply:
    """201 with the new decision, or 200 with the one an earlier identical request recorded."""
    decision = recorded.decision
    location = url_for("decisions.get_decision", decision_id=decision.id)
    status, headers = decision_headers(recorded, location)
    return Reply(decision_body(decision), status, dict(headers), decision.locale, dumped=True)


def decision_headers(recorded: Recorded, location: str) -> tuple[int, list[tuple[str, str]]]:
    """The status and the headers of a recorded decision's answer, read at `location` (the
    view's, and api.fast_routes', which writes the location itself)."""
    headers = [("Location", location)]
    if not recorded.created:
        headers.append(("Idempotent-Replayed", "true"))
    return (201 if recorded.created else 200), headers


def idempotency_key(given: str | None) -> str | None:
    """The `Idempotency-Key` header's value, if usable; 422 naming it otherwise."""
    usable = given is None or (
        0 < len(given) <= MAX_KEY_LENGTH and given.isascii() and given.isprintable()
    )
    if not usable:
        message = f"expected 1 to {MAX_KEY_LENGTH} printable ASCII characters"
        raise InvalidRequest("invalid Idempotency-Key", errors={"Idempotency-Key": [message]})
    return given


def recorded_decision(
    body: dict[str, Any],
    caller: Principal,
    key: str | None,
    app: AppState,
    environ: Mapping[str, Any] | None = None,
) -> Recorded:
    """The view's work once its body is loaded and its caller let in (the view, and
    api.fast_path with the request's environ)."""
    return services.record_decision(
        app.storage,
        evaluation_request(body, environ=environ),
        caller.client,
        key,
        app.evaluator,
        allow_incomplete=body["allow_incomplete"],
    )


@bp.post("")
@require("client")
@operation(
    DecisionSchema,
    status=201,
    body=DecisionRequestSchema,
    errors=(404, 409),
    storage=True,
    tag="decisions",
    headers_in=(IDEMPOTENCY_KEY,),
    headers_out={"Location": {"schema": {"type": "string"}}},
    extra_responses={200: "A retry: the decision recorded for this Idempotency-Key"},
)
def create_decision(body: dict[str, Any]) -> Reply:
    """Evaluate and record a decision (hash-chained); 201 with Location once it is committed.

    A decision is `complete` when every goal is decided. One with an undecided goal
    (answers missing) is refused with 422 `incomplete-decision`, naming the undecided
    goals and the next questions, unless `allow_incomplete` is true: then it is recorded
    with status `incomplete`.
    """
    key = idempotency_key(request.headers.get("Idempotency-Key"))
    recorded = recorded_decision(body, principal(), key, state())
    return decision_reply(recorded)


@bp.get("")
@require("auditor")
@operation(
    DecisionPageSchema,
    query=DecisionListQuerySchema,
    storage=True,
    tag="decisions",
)
def list_decisions(query: dict[str, Any]) -> dict[str, Any]:
    """Decisions oldest first, filtered by rule set, version, time and outcome; cursor paging."""
    page = services.list_decisions(
        state().storage, decision_filter(query), query.get("cursor"), query["limit"]
    )
    following = None
    if page.next_cursor is not None:
        params: dict[str, Any] = {**request.args.to_dict(), "cursor": page.next_cursor}
        following = url_for(".list_decisions", **params)
    return {"items": page.items, "next_cursor": page.next_cursor, "next": following}


@bp.get("/export")
@require("auditor")
@operation(
    None,
    query=ExportQuerySchema,
    storage=True,
    tag="decisions",
    media_types=tuple(EXPORT_TYPES.values()),
)
def export_decisions(query: dict[str, Any]) -> Response:
    """Every matching decision as JSON lines or CSV, streamed."""
    chosen = query["format"]
    lines = services.export_decisions(state().storage, chosen, decision_filter(query))
    first = next(lines, None)  # a database that is down fails now, as a 503, not mid-stream
    chunks: Iterator[str] = itertools.chain([first] if first is not None else [], lines)
    return attachment(chunks, EXPORT_TYPES[chosen], f"decisions.{chosen}")


@bp.get("/<decision_id>")
@require("auditor")
@operation(DecisionSchema, errors=(404,), storage=True, tag="decisions")
def get_decision(decision_id: str) -> Reply:
    """One decision: answers, version and content hash, outcome, reasons, trace, hashes."""
    return Reply(decision_body(services.get_decision(state().storage, decision_id)), dumped=True)


@bp.post("/<decision_id>/replay")
@require("auditor")
@operation(
    ReplaySchema,
    body=ReplayRequestSchema,
    body_required=False,
    errors=(404,),
    storage=True,
    tag="decisions",
)
def replay_decision(decision_id: str, body: dict[str, Any]) -> ReplayResult:
    """Replay a decision under its recorded version (or, what-if, another) and compare."""
    app = state()
    return services.replay_decision(
        app.storage, decision_id, body.get("version"), body.get("as_of"), app.evaluator
    )


REPORT_TYPES = {"html": "text/html", "pdf": "application/pdf"}


@bp.get("/<decision_id>/report")
@require("auditor")
@operation(
    None,
    query=ReportQuerySchema,
    errors=(404, 406),
    storage=True,
    tag="decisions",
    media_types=tuple(REPORT_TYPES.values()),
    headers_out={"Content-Language": {"schema": {"type": "string"}}},
)
def get_report(decision_id: str, query: dict[str, Any]) -> Response:
    """The decision as a report for the file and the claimant (HTML or PDF, `?format=` or Accept).

    In the claimant's language: each goal and amount, the reasons with their legal
    references, the answers that mattered, the rule version and its content hash, and
    the decision's position and hash in the audit chain.
    """
    refusal = "the report is text/html or application/pdf (or ?format=html|pdf)"
    chosen = query.get("format") or negotiated(REPORT_TYPES, refusal)
    report = services.decision_report(state().storage, decision_id)
    if chosen == "pdf":
        response = Response(render_pdf(report), mimetype=REPORT_TYPES["pdf"])
        name = f"decision-{decision_id[:8]}.pdf"
        response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    else:
        response = Response(render_html(report), mimetype=REPORT_TYPES["html"])
    response.headers["Content-Language"] = report.locale
    response.vary.add("Accept")
    return response
