"""`/v1/audit/…` and `/v1/replays`: the hash chain checked against signed checkpoints, replays."""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Blueprint, url_for

from api.auth import principal, require
from api.openapi import Reply, operation
from api.record_schemas import (
    AuditHeadSchema,
    CheckpointSchema,
    ReplayJobListSchema,
    ReplayJobRequestSchema,
    ReplayJobSchema,
    VerificationSchema,
)
from api.state import state
from eligibility import services
from eligibility.checkpoints import Checkpoint
from eligibility.decisions import ChainVerification
from eligibility.errors import NotFound
from eligibility.ports import Storage
from eligibility.records import DecisionFilter, ReplayJob

bp = Blueprint("audit", __name__, url_prefix="/v1")
log = logging.getLogger("api.audit")


@bp.get("/audit/verify")
@require("auditor")
@operation(VerificationSchema, storage=True, tag="audit")
def verify() -> ChainVerification:
    """Verify the decision chain and the signed checkpoints: ok, or the first problem.

    With checkpoints kept (CHECKPOINT_DIR), records removed from the end, forged
    records and rewrites before the latest checkpoint are found even when every
    hash was recomputed; `broken.checkpoint` names the checkpoint that failed.
    """
    app = state()
    return services.verify_audit_chain(app.storage, app.checkpoints)


def _checkpoint(checkpoint: Checkpoint) -> dict[str, object]:
    public_key = state().checkpoints.keys.pem(checkpoint.key_id)
    return {**checkpoint.to_dict(), "name": checkpoint.name, "public_key": public_key}


@bp.get("/audit/head")
@require("auditor")
@operation(AuditHeadSchema, storage=True, tag="audit")
def head() -> dict[str, object]:
    """The chain head (sequence and hash) and the latest signed checkpoint."""
    app = state()
    found = services.audit_head(app.storage, app.checkpoints)
    latest = found.latest_checkpoint
    return {
        "sequence": found.head.sequence,
        "hash": found.head.hash,
        "latest_checkpoint": _checkpoint(latest) if latest else None,
        "records_since_checkpoint": found.since_checkpoint,
    }


@bp.get("/audit/checkpoints/latest")
@require("auditor")
@operation(CheckpointSchema, errors=(404,), tag="audit")
def latest_checkpoint() -> dict[str, object]:
    """The latest checkpoint signed by a trusted key, with its public key; 404 if none."""
    latest = services.latest_checkpoint(state().checkpoints)
    if latest is None:
        raise NotFound("checkpoint", "latest")
    return _checkpoint(latest)


@bp.post("/audit/checkpoints")
@require("auditor")
@operation(
    CheckpointSchema,
    status=201,
    errors=(409,),
    storage=True,
    tag="audit",
    extra_responses={200: "The head has not moved: the latest checkpoint"},
)
def write_checkpoint() -> Reply:
    """Sign the chain head now and keep the checkpoint (409 if not set up or chain broken)."""
    app = state()
    checkpoint, new = services.write_checkpoint(app.storage, app.checkpoints)
    return Reply(_checkpoint(checkpoint), status=201 if new else 200)


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
