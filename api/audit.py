"""`/v1/audit/verify` and `/v1/replays`: the hash chain checked, and batch what-if replays."""

from __future__ import annotations

import logging
import threading

from flask import Blueprint, Response, jsonify, url_for

from api.auth import principal, require
from api.jsonio import json_body, load
from api.openapi import operation
from api.record_schemas import (
    ReplayJobListSchema,
    ReplayJobRequestSchema,
    ReplayJobSchema,
    VerificationSchema,
)
from api.state import state
from eligibility import services
from eligibility.ports import Storage
from eligibility.records import DecisionFilter

bp = Blueprint("audit", __name__, url_prefix="/v1")
log = logging.getLogger("api.audit")


@bp.get("/audit/verify")
@operation(VerificationSchema, storage=True, tag="audit")
@require("auditor")
def verify() -> Response:
    """Verify the decision chain: ok, or the first record that was changed, added or removed."""
    return jsonify(VerificationSchema().dump(services.verify_audit_chain(state().storage)))


def _run(store: Storage, job_id: str) -> None:
    """Run a replay job in the background; its failure is recorded on the job itself."""
    try:
        services.run_replay_job(store, job_id)
    except Exception:
        log.exception("replay job %s failed", job_id)


@bp.post("/replays")
@operation(
    ReplayJobSchema,
    status=202,
    body=ReplayJobRequestSchema,
    errors=(404,),
    storage=True,
    tag="audit",
    headers_out={"Location": {"schema": {"type": "string"}}},
)
@require("auditor")
def start_replay() -> Response:
    """Start a batch replay of a rule set's decisions (what-if: under another version)."""
    body = load(ReplayJobRequestSchema(), json_body())
    filters = body["filters"]
    store = state().storage
    job = services.start_replay_job(
        store,
        body["ruleset"],
        principal().client,
        body.get("version"),
        body.get("as_of"),
        DecisionFilter(
            version=filters.get("version"),
            recorded_from=filters.get("from_"),
            recorded_to=filters.get("to"),
            eligible=filters.get("eligible"),
        ),
    )
    threading.Thread(
        target=_run, args=(store, job.id), name=f"replay-{job.id}", daemon=True
    ).start()
    response = jsonify(ReplayJobSchema().dump(job))
    response.status_code = 202
    response.headers["Location"] = url_for(".get_replay", job_id=job.id)
    return response


@bp.get("/replays")
@operation(ReplayJobListSchema, storage=True, tag="audit")
@require("auditor")
def list_replays() -> Response:
    """Every batch replay, newest first."""
    jobs = services.list_replay_jobs(state().storage)
    return jsonify(ReplayJobListSchema().dump({"items": jobs}))


@bp.get("/replays/<job_id>")
@operation(ReplayJobSchema, errors=(404,), storage=True, tag="audit")
@require("auditor")
def get_replay(job_id: str) -> Response:
    """A batch replay: status, progress and the summary of changed outcomes."""
    return jsonify(ReplayJobSchema().dump(services.get_replay_job(state().storage, job_id)))
