"""`/v1/audit/…`: the hash chain, its head and signed checkpoints, checked and written."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from api import metrics
from api.audit_schemas import AuditHeadSchema, CheckpointSchema, VerificationSchema
from api.auth import require
from api.openapi import Reply, operation
from api.state import state
from eligibility import services
from eligibility.checkpoints import Checkpoint
from eligibility.errors import NotFound
from eligibility.services.verifications import outcome

bp = Blueprint("audit", __name__, url_prefix="/v1/audit")


@bp.get("/verify")
@require("auditor")
@operation(VerificationSchema, errors=(409,), storage=True, tag="audit")
def verify() -> dict[str, Any]:
    """Verify the decision chain and the signed checkpoints: ok, or the first problem.

    With checkpoints kept (CHECKPOINT_DIR), records removed from the end, forged
    records and rewrites before the latest checkpoint are found even when every
    hash was recomputed; `broken.checkpoint` names the checkpoint that failed. A
    chain longer than VERIFY_REQUEST_LIMIT records (5,000) is answered 409
    `chain-too-long`: verify it as a job (POST /v1/audit/verifications).
    """
    app = state()
    at_most = app.config.verify_request_limit
    result = services.verify_audit_chain(app.storage, app.checkpoints, at_most=at_most)
    metrics.verified(result.ok)
    return outcome(result)


def _checkpoint(checkpoint: Checkpoint) -> dict[str, object]:
    public_key = state().checkpoints.keys.pem(checkpoint.key_id)
    return {**checkpoint.to_dict(), "name": checkpoint.name, "public_key": public_key}


@bp.get("/head")
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


@bp.get("/checkpoints/latest")
@require("auditor")
@operation(CheckpointSchema, errors=(404,), tag="audit")
def latest_checkpoint() -> dict[str, object]:
    """The latest checkpoint signed by a trusted key, with its public key; 404 if none."""
    latest = services.latest_checkpoint(state().checkpoints)
    if latest is None:
        raise NotFound("checkpoint", "latest")
    return _checkpoint(latest)


@bp.post("/checkpoints")
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
    """Sign the chain head now and keep the checkpoint (409 if not set up or chain broken).

    The records since the latest checkpoint are verified first; more of them than
    VERIFY_REQUEST_LIMIT are answered 409 `chain-too-long` (the server's own
    checkpointing, CHECKPOINT_INTERVAL_SECONDS, and `eligibility audit checkpoint`
    verify any number).
    """
    app = state()
    at_most = app.config.verify_request_limit
    checkpoint, new = services.write_checkpoint(app.storage, app.checkpoints, at_most=at_most)
    return Reply(_checkpoint(checkpoint), status=201 if new else 200)
