"""`/v1/audit/verifications`: the whole chain verified as a job, whatever its length.

A request verifies at most VERIFY_REQUEST_LIMIT records (GET /v1/audit/verify); a
job walks any chain in the background, with progress, can be cancelled and resumed,
and keeps its outcome (in VERIFY_DIR, shared by the server's processes).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for

from api import metrics
from api.audit_schemas import VerificationJobListSchema, VerificationJobSchema
from api.auth import principal, require
from api.background import start_job
from api.openapi import Reply, operation
from api.state import state
from eligibility.batch.cluster import shared_cluster
from eligibility.checkpoints.settings import Checkpoints
from eligibility.ports import Storage
from eligibility.services import ChainVerifications
from eligibility.storage import storage_url

bp = Blueprint("verifications", __name__, url_prefix="/v1/audit")
LOCATION = {"Location": {"schema": {"type": "string"}}}


def jobs() -> ChainVerifications:
    """The verification jobs of this server (a folder every process shares)."""
    return ChainVerifications(state().config.verify_dir)


def _run(
    found: ChainVerifications, store: Storage, checkpoints: Checkpoints, job_id: str, inline: bool
) -> None:
    """Run a verification (in the background), counting its outcome in the metrics."""
    # A database's chain is verified in key ranges on the server's cluster.
    on_dask = not inline and storage_url(store) is not None
    job = found.run(store, job_id, checkpoints, shared_cluster if on_dask else lambda: None)
    if job["result"] is not None:
        metrics.verified(job["result"]["ok"])


@bp.post("/verifications")
@require("auditor")
@operation(VerificationJobSchema, status=202, tag="audit", headers_out=LOCATION)
def start_verification() -> Reply:
    """Verify the whole chain (and the signed checkpoints) as a job; poll the Location.

    The job verifies the chain up to the head it finds when it starts; its `result`
    has the members of GET /v1/audit/verify once it is done.
    """
    return _started(jobs().create(principal().client)["id"])


def _started(job_id: str) -> Reply:
    """Run a pending verification in the background; the job as it reads now, and its Location."""
    app = state()
    inline = app.config.jobs_cluster == "inline"
    run = (jobs(), app.storage, app.checkpoints, job_id, inline)
    start_job(f"chain verification {job_id}", _run, *run)
    location = url_for(".get_verification", job_id=job_id)
    return Reply(jobs().get(job_id), headers={"Location": location})


@bp.get("/verifications")
@require("auditor")
@operation(VerificationJobListSchema, tag="audit")
def list_verifications() -> dict[str, Any]:
    """The chain verifications kept (the latest thousand), newest first."""
    return {"items": jobs().list()}


@bp.get("/verifications/<job_id>")
@require("auditor")
@operation(VerificationJobSchema, errors=(404,), tag="audit")
def get_verification(job_id: str) -> dict[str, Any]:
    """A chain verification: status, records checked of the chain's, and its outcome."""
    return jobs().get(job_id)


@bp.post("/verifications/<job_id>/cancel")
@require("auditor")
@operation(VerificationJobSchema, status=202, errors=(404,), tag="audit")
def cancel_verification(job_id: str) -> dict[str, Any]:
    """Cancel a pending or running verification (it proves nothing then); idempotent."""
    return jobs().cancel(job_id)


@bp.post("/verifications/<job_id>/resume")
@require("auditor")
@operation(VerificationJobSchema, status=202, errors=(404, 409), tag="audit", headers_out=LOCATION)
def resume_verification(job_id: str) -> Reply:
    """Go on with a failed or cancelled verification after the records it verified already.

    A job fails when the process running it stopped (interrupted) or its database could
    not be read; its `verified_to` is the last record of the prefix it verified clean,
    and the resumed run starts after it (`started_from`) and verifies up to the head it
    finds then. The records of that prefix are not read again (to check them anew, start
    a new verification); each checkpoint among them is compared with the stored hash. A
    cancelled job resumes once its run has ended (`finished_at` set); a job pending,
    running or done is 409 (`job-not-resumable`).
    """
    jobs().resume(job_id)
    return _started(job_id)
