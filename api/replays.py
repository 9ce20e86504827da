"""`/v1/replays` and impact: batch what-if replays (auditor rows, author aggregates), exports.

Auditors start replays, read every job with the ids of changed decisions and export
the per-decision results. Authors and publishers try a version (a draft, say) over
the recorded decisions and see aggregates only: counts, how goals change, the rules
that made the difference and sums of amounts; never a decision or its answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, url_for

from api.auth import principal, require
from api.background import start_job
from api.downloads import EXPORT_TYPES, attachment
from api.impact_reports import REPORT_TYPES, report_response
from api.openapi import Reply, operation
from api.record_schemas import decision_filter
from api.replay_job_schemas import (
    ImpactRequestSchema,
    ImpactSchema,
    ReplayJobListSchema,
    ReplayJobRequestSchema,
    ReplayJobSchema,
    ReplayReportQuerySchema,
    ResultsQuerySchema,
)
from api.state import state
from eligibility import services
from eligibility.batch.publish import affected_lines
from eligibility.batch.report import impact_report, replay_rows, replay_summary
from eligibility.ports import Storage
from eligibility.records import ReplayJob
from eligibility.services.impact import Impact, get_impact, start_impact

bp = Blueprint("replays", __name__, url_prefix="/v1")
LOCATION = {"Location": {"schema": {"type": "string"}}}


def _in_background(store: Storage, job: ReplayJob) -> None:
    """Run a replay job in the background; its failure is recorded on the job itself."""
    inline = state().config.jobs_cluster == "inline"
    run = services.run_replay_job
    start_job(
        f"replay job {job.id}", run, store, job.id, inline=inline, engine=state().evaluator.engine
    )


@bp.post("/replays")
@require("auditor")
@operation(
    ReplayJobSchema,
    status=202,
    body=ReplayJobRequestSchema,
    errors=(404,),
    storage=True,
    tag="audit",
    headers_out=LOCATION,
)
def start_replay(body: dict[str, Any]) -> Reply:
    """Start a batch replay of a rule set's decisions (what-if: under another version)."""
    store = state().storage
    job = services.start_replay_job(
        store,
        body["ruleset"],
        principal().client,
        body.get("version"),
        body.get("as_of"),
        decision_filter(body["filters"]),
    )
    _in_background(store, job)
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
    """A batch replay: status, progress, the changed outcomes by goal and rule, and the ids."""
    return services.get_replay_job(state().storage, job_id)


@bp.post("/replays/<job_id>/cancel")
@require("auditor")
@operation(ReplayJobSchema, status=202, errors=(404,), storage=True, tag="audit")
def cancel_replay(job_id: str) -> ReplayJob:
    """Cancel a pending or running replay: the partitions not yet done are not run.

    The partitions already done stay counted (status cancelled, `processed` of
    `total`); a finished job is answered as it is, so a retried cancel is harmless.
    """
    return services.cancel_replay_job(state().storage, job_id)


@bp.post("/replays/<job_id>/resume")
@require("auditor")
@operation(
    ReplayJobSchema, status=202, errors=(404, 409), storage=True, tag="audit", headers_out=LOCATION
)
def resume_replay(job_id: str) -> Reply:
    """Run a failed or cancelled replay again: only its partitions not yet counted.

    A job fails when the process running it stopped (interrupted) or some partitions
    failed; what it completed keeps its results and counts, so nothing is counted
    twice. A cancelled job resumes once its run has ended (`finished_at` set); a job
    pending, running or done is 409 (`job-not-resumable`).
    """
    store = state().storage
    job = services.resume_replay_job(store, job_id)
    _in_background(store, job)
    return Reply(job, headers={"Location": url_for(".get_replay", job_id=job.id)})


@bp.get("/replays/<job_id>/report")
@require("auditor")
@operation(
    None,
    query=ReplayReportQuerySchema,
    errors=(404, 406),
    storage=True,
    tag="audit",
    media_types=tuple(REPORT_TYPES.values()),
)
def get_replay_report(job_id: str, query: dict[str, Any]) -> Response:
    """The impact report of a replay: gains and losses, amounts by band, cost, rules.

    JSON (default) or an HTML page with its charts (`?format=html` or Accept), for
    legal experts and auditors. The claims that changed: `…/affected`.
    """
    chosen = query.get("format")
    job = services.get_replay_job(state().storage, job_id)
    report = impact_report(replay_summary(job))
    return report_response(report, chosen)


@bp.get("/replays/<job_id>/affected")
@require("auditor")
@operation(None, errors=(404,), storage=True, tag="audit", media_types=("text/csv",))
def get_replay_affected(job_id: str) -> Response:
    """The decisions whose outcome changed, as CSV: id, the changes, each goal old → new.

    Columns: row (the decision's sequence), line (empty), id (the decision), changes
    (`Reduced licence: true → false; …`), then one per goal headed `label (goal)`.
    """
    store = state().storage
    job = services.get_replay_job(store, job_id)
    report = impact_report(replay_summary(job))
    rows = replay_rows(_results(store, job_id))
    return attachment(affected_lines(report, rows), "text/csv", f"affected-{job_id[:8]}.csv")


def _results(store: Storage, job_id: str) -> Iterator[dict[str, Any]]:
    after = 0
    while page := store.jobs.results(job_id, after):
        yield from page
        after = page[-1]["sequence"]


@bp.get("/replays/<job_id>/results")
@require("auditor")
@operation(
    None,
    query=ResultsQuerySchema,
    errors=(404,),
    storage=True,
    tag="audit",
    media_types=tuple(EXPORT_TYPES.values()),
)
def get_replay_results(job_id: str, query: dict[str, Any]) -> Response:
    """Each replayed decision's result as CSV or JSON lines: status, goals before and after.

    CSV columns: sequence, decision_id, status (identical; unchanged: same outcomes,
    other details; changed; failed), recorded_version, replayed_version, changes, error,
    then `recorded:<goal>` and `replayed:<goal>` for every goal. No answers.
    """
    chosen = query["format"]
    lines = services.export_replay_results(state().storage, job_id, chosen)
    return attachment(lines, EXPORT_TYPES[chosen], f"replay-{job_id[:8]}.{chosen}")


@bp.post("/rulesets/<ruleset_id>/versions/<version>/impact")
@require("author", "publisher", "auditor")
@operation(
    ImpactSchema,
    status=202,
    body=ImpactRequestSchema,
    body_required=False,
    errors=(404,),
    storage=True,
    tag="authoring",
    headers_out=LOCATION,
)
def start_version_impact(ruleset_id: str, version: str, body: dict[str, Any]) -> Reply:
    """Try a version (a draft too) over the recorded decisions: aggregates only, no decisions.

    Poll the Location until `status` is done. Amount sums over fewer than
    IMPACT_MIN_GROUP decisions are withheld (null).
    """
    store = state().storage
    filters = decision_filter(body.get("filters") or {})
    job = start_impact(store, ruleset_id, version, principal().client, filters)
    _in_background(store, job)
    location = url_for(".get_replay_impact", job_id=job.id)
    return Reply(_impact(job.id), headers={"Location": location})


def _impact(job_id: str) -> Impact:
    caller = principal()
    viewer = None if caller.role == "auditor" else caller.client
    return get_impact(state().storage, job_id, viewer, state().config.impact_min_group)


@bp.get("/replays/<job_id>/impact")
@require("author", "publisher", "auditor")
@operation(ImpactSchema, errors=(404,), storage=True, tag="authoring")
def get_replay_impact(job_id: str) -> Impact:
    """A replay's aggregates: counts, changes by goal, rules that made the difference, sums.

    Authors and publishers see the jobs they started (404 for others); auditors any.
    """
    return _impact(job_id)
