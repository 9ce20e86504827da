"""`/v1/batches`: batch assessment of a population uploaded (or the recorded decisions) as jobs.

The population file is the request body (CSV, JSON Lines or Parquet by its media
type); the job runs in the background on the Dask cluster, and its progress,
impact report and affected claims are read here. Authors and publishers see the
jobs they started, auditors every job.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, url_for
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import UnsupportedMediaType

from api.auth import principal, require
from api.background import start_job
from api.downloads import attachment
from api.fields import HEARTBEAT
from api.impact_reports import REPORT_TYPES, report_response
from api.openapi import Reply, operation
from api.state import state
from eligibility.batch.cluster import shared_cluster
from eligibility.batch.jobs import BatchJobs
from eligibility.batch.retention import Retention
from eligibility.evaluation import EngineName
from eligibility.ports import Storage
from eligibility.records import Role
from eligibility.storage import storage_url

bp = Blueprint("batches", __name__, url_prefix="/v1")
ROLES: tuple[Role, ...] = ("author", "publisher", "auditor")
SUFFIXES = {
    "text/csv": ".csv",
    "application/x-ndjson": ".jsonl",
    "application/jsonl": ".jsonl",
    "application/vnd.apache.parquet": ".parquet",
}
LOCATION = {"Location": {"schema": {"type": "string"}}}
STATUSES = ["pending", "running", "done", "failed", "cancelled"]


class BatchQuerySchema(Schema):
    """What to assess the population under."""

    ruleset = fields.String(required=True, validate=validate.Length(1, 100))
    version = fields.String(required=True, validate=validate.Length(1, 100))
    reform = fields.String(
        validate=validate.Length(1, 100),
        metadata={"description": "Assess under this version too, side by side"},
    )
    population = fields.String(
        load_default="body",
        validate=validate.OneOf(["body", "decisions"]),
        metadata={"description": "body: the file sent; decisions: the recorded decisions"},
    )


class BatchJobSchema(Schema):
    """A batch assessment and how far it got."""

    id = fields.String(required=True)
    ruleset = fields.String(required=True)
    version = fields.String(required=True)
    reform = fields.String(allow_none=True)
    population = fields.String(
        required=True, metadata={"enum": ["csv", "jsonl", "parquet", "decisions"]}
    )
    status = fields.String(required=True, metadata={"enum": STATUSES})
    total = fields.Integer(required=True)
    processed = fields.Integer(required=True)
    rate = fields.Float(required=True, metadata={"description": "Rows per second so far"})
    created_at = fields.String(required=True)
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    heartbeat_at = fields.String(allow_none=True, metadata={"description": HEARTBEAT})
    error = fields.String(allow_none=True)


class ReportQuerySchema(Schema):
    """Format of the impact report (else chosen by the Accept header)."""

    format = fields.String(validate=validate.OneOf(["json", "html"]))


def jobs() -> BatchJobs:
    """The jobs of this server (a folder every process shares)."""
    config = state().config
    return BatchJobs(config.batch_dir, Retention(config.batch_keep_days, config.batch_keep_jobs))


def _viewer() -> str | None:
    caller = principal()
    return None if caller.role == "auditor" else caller.client


def _run(
    store: Storage, found: BatchJobs, job_id: str, files: bool, inline: bool, engine: EngineName
) -> None:
    """Run a job (in the background); its failure is recorded on the job itself."""
    # Workers read a file themselves; decisions only from a database they can open.
    on_dask = not inline and (files or storage_url(store) is not None)
    found.run(store, job_id, shared_cluster if on_dask else lambda: None, engine)


@bp.post("/batches")
@require(*ROLES)
@operation(
    BatchJobSchema,
    status=202,
    query=BatchQuerySchema,
    errors=(404, 413, 415),
    storage=True,
    tag="batch",
    headers_out=LOCATION,
    body_media_types=tuple(SUFFIXES),
)
def start_batch(query: dict[str, Any]) -> Reply:
    """Assess a population (the body: CSV, JSON Lines or Parquet) under a version, or two.

    With `population=decisions` the recorded decisions of the rule set are assessed
    (no body). Poll the Location; the report and the affected claims follow.
    """
    store = state().storage
    files = query["population"] == "body"
    data = None
    suffix = ".csv"
    if files:
        request.max_content_length = state().config.batch_max_bytes
        suffix = SUFFIXES.get(request.mimetype, "")
        if not suffix:
            return _unsupported()
        data = request.get_data()
    job = jobs().create(
        store,
        query["ruleset"],
        query["version"],
        principal().client,
        reform=query.get("reform"),
        population=data,
        suffix=suffix,
    )
    return _started(store, job, files)


def _started(store: Storage, job: dict[str, Any], files: bool) -> Reply:
    """The job run in the background; the reply (the job as it was before it ran) points at it."""
    pending = jobs().get(job["id"])
    inline = state().config.jobs_cluster == "inline"
    run = (store, jobs(), job["id"], files, inline, state().evaluator.engine)
    start_job(f"batch job {job['id']}", _run, *run)
    location = url_for(".get_batch", job_id=job["id"])
    return Reply(pending, headers={"Location": location})


def _unsupported() -> Reply:
    raise UnsupportedMediaType(f"a population is sent as one of {', '.join(SUFFIXES)}")


@bp.get("/batches/<job_id>")
@require(*ROLES)
@operation(BatchJobSchema, errors=(404,), storage=True, tag="batch")
def get_batch(job_id: str) -> dict[str, Any]:
    """A batch assessment: status, processed of total, rows per second."""
    return jobs().get(job_id, _viewer())


@bp.post("/batches/<job_id>/cancel")
@require(*ROLES)
@operation(BatchJobSchema, status=202, errors=(404,), storage=True, tag="batch")
def cancel_batch(job_id: str) -> dict[str, Any]:
    """Cancel a batch assessment: the partitions done stay counted; idempotent."""
    return jobs().cancel(job_id, _viewer())


@bp.post("/batches/<job_id>/resume")
@require(*ROLES)
@operation(
    BatchJobSchema, status=202, errors=(404, 409), storage=True, tag="batch", headers_out=LOCATION
)
def resume_batch(job_id: str) -> Reply:
    """Run a failed or cancelled assessment again: only its partitions not yet counted.

    What it completed keeps its rows and counts, so nothing is counted twice. A job
    pending, running, done or cancelled before it ran is 409 (`job-not-resumable`).
    """
    job = jobs().resume(job_id, _viewer())
    return _started(state().storage, job, job["population"] != "decisions")


@bp.get("/batches/<job_id>/report")
@require(*ROLES)
@operation(
    None,
    query=ReportQuerySchema,
    errors=(404, 406),
    storage=True,
    tag="batch",
    media_types=tuple(REPORT_TYPES.values()),
)
def get_batch_report(job_id: str, query: dict[str, Any]) -> Response:
    """The impact report of a finished assessment: JSON, or HTML with charts (?format=)."""
    chosen = query.get("format")
    report = jobs().report(job_id, _viewer())
    return report_response(report, chosen)


@bp.get("/batches/<job_id>/affected")
@require(*ROLES)
@operation(None, errors=(404,), storage=True, tag="batch", media_types=("text/csv",))
def get_batch_affected(job_id: str) -> Response:
    """The claims whose outcome changed, as CSV: row, line, id, changes, each goal old → new."""
    lines = jobs().affected(job_id, _viewer())
    return attachment(lines, "text/csv", f"affected-{job_id[:8]}.csv")
