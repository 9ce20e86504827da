"""`/v1/audit/verify` and `/v1/replays`: the hash chain checked, and batch what-if replays."""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Blueprint, url_for

from api.auth import principal, require
from api.openapi import Reply, operation
from api.record_schemas import (
    ReplayJobListSchema,
    ReplayJobRequestSchema,
    ReplayJobSchema,
    VerificationSchema,
)
from api.state import state
from eligibility import services
from eligibility.decisions import ChainVerification
from eligibility.ports import Storage
from eligibility.records import DecisionFilter, ReplayJob

bp = Blueprint("audit", __name__, url_prefix="/v1")
log = logging.getLogger("api.audit")


@bp.get("/audit/verify")
@require("auditor")
@operation(VerificationSchema, storage=True, tag="audit")
def verify() -> ChainVerification:
    """Verify the decision chain: ok, or the first record that was changed, added or removed."""
    return services.verify_audit_chain(state().storage)


def _run(store: Storage, job_id: str) -> None:
    """Run a replay job in the background; its failure is recorded on the job itself."""
    try:
        services.run_replay_job(store, job_id)
    except Exception:
        log.exception("replay job %s failed", job_id)


@bp.post("/replays")
@require("auditor")
@operation(
    ReplayJobSchema,
    status=202,
    body=ReplayJobRequestSchema,
    errors=(404,),
    storage=True,
    tag="audit",
    headers_out={"Location": {"schema": {"type": "string"}}},
)
def start_replay(body: dict[str, Any]) -> Reply:
    """Start a batch replay of a rule set's decisions (what-if: under another version)."""
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
    return Reply(job, headers={"Location": url_for(".get_replay", job_id=job.id)})


@bp.get("/replays")
@require("auditor")
@operation(ReplayJobListSchema, storage=True, tag="audit")
def list_replays() -> dict[str, Any]:
    """Every batch replay, newest first."""
    return {"items": services.list_replay_jobs(state().storage)}


@bp.get("/replays/<job_id>")
@require("auditor")
@operation(ReplayJobSchema, errors=(404,), storage=True, tag="audit")
def get_replay(job_id: str) -> ReplayJob:
    """A batch replay: status, progress and the summary of changed outcomes."""
    return services.get_replay_job(state().storage, job_id)
