"""Replay over storage: one decision exactly or what-if, and batch jobs (started, read, exported).

Jobs run on the Dask cluster: `eligibility.batch.replay.run_replay_job`, named here too.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Iterator
from dataclasses import replace

from eligibility.batch.replay import Progress, get_replay_job, heard_of, run_replay_job
from eligibility.catalogue import compile_cache
from eligibility.catalogue.lookups import list_versions, recorded_version, what_if_version
from eligibility.decisions import ReplayResult, replay
from eligibility.errors import JobNotResumable
from eligibility.ports import Storage
from eligibility.records import DecisionFilter, ReplayJob, ReplaySummary, resumable
from eligibility.services.evaluations import Evaluator, stored_evaluator
from eligibility.services.exports import result_lines
from eligibility.services.records import get_decision

__all__ = [
    "Progress",
    "cancel_replay_job",
    "export_replay_results",
    "get_replay_job",
    "list_replay_jobs",
    "replay_decision",
    "resume_replay_job",
    "run_replay_job",
    "start_replay_job",
]


def replay_decision(
    store: Storage,
    decision_id: str,
    version: str | None = None,
    as_of: dt.date | None = None,
    evaluator: Evaluator | None = None,
) -> ReplayResult:
    """Replay one decision under its recorded version (by content hash) or, what-if, another.

    With `version` (any status, so drafts can be tried) or `as_of` (the published
    version covering it) the decision is replayed under that version instead. It is
    evaluated by `evaluator` (its engine; by default one over the stored versions).
    """
    decision = get_decision(store, decision_id)
    target = what_if_version(store, decision.ruleset_id, version, as_of) or recorded_version(
        store, decision
    )
    chosen = evaluator or stored_evaluator(store)
    compiled = compile_cache().stored(target)
    return replay(decision, compiled, as_of=as_of, evaluator=chosen.evaluate_under)


# --- batch ------------------------------------------------------------------------------------


def start_replay_job(
    store: Storage,
    ruleset_id: str,
    created_by: str,
    target_version: str | None = None,
    target_as_of: dt.date | None = None,
    filters: DecisionFilter | None = None,
) -> ReplayJob:
    """Create a pending batch replay of a rule set's decisions, optionally under another version.

    Its `total` is 0 until the job starts and counts the decisions it replays.
    """
    list_versions(store, ruleset_id)  # an unknown rule set fails now, not in the job
    what_if_version(store, ruleset_id, target_version, target_as_of)  # fails now if there is none
    chosen = replace(filters or DecisionFilter(), ruleset_id=ruleset_id)
    job = ReplayJob(
        id=str(uuid.uuid4()),
        ruleset_id=ruleset_id,
        filters=chosen,
        target_version=target_version,
        target_as_of=target_as_of,
        status="pending",
        # Counted when the job starts, under the batch budget: counting a million decisions
        # is a job's work, not a request's (it outlasted the request's database budget).
        total=0,
        processed=0,
        summary=ReplaySummary(),
        created_at=store.now(),
        created_by=created_by,
    )
    store.jobs.add(job)
    return job


def export_replay_results(store: Storage, job_id: str, export_format: str) -> Iterator[str]:
    """A job's per-decision results as CSV or JSON lines (status, per-goal values, changes).

    Rows name decisions but hold no answers; the first batch is read before this returns.
    """
    if export_format not in ("jsonl", "csv"):
        raise ValueError(f"unknown export format '{export_format}'")
    job = get_replay_job(store, job_id)
    lines = result_lines(store, job, export_format)
    first = next(lines, None)
    return itertools.chain([first] if first is not None else [], lines)


def cancel_replay_job(store: Storage, job_id: str) -> ReplayJob:
    """Cancel a pending or running job (its completed partitions stay counted); idempotent.

    A job already finished is answered as it is.
    """
    get_replay_job(store, job_id)
    store.jobs.cancel(job_id)
    return get_replay_job(store, job_id)


def resume_replay_job(store: Storage, job_id: str) -> ReplayJob:
    """Make a failed or cancelled job pending again: run, it runs the partitions not counted.

    A job fails when its process stopped (interrupted) or some partitions failed, and is
    cancelled on request; the partitions it completed keep their results and counts, so
    nothing is counted twice. A job cancelled resumes once its run has ended (it has a
    `finished_at`); any other is a JobNotResumable (a job running again, say).
    """
    job = get_replay_job(store, job_id)  # a silent one is failed, interrupted, first
    if not resumable(job) or not store.jobs.resume(job_id, store.now()):
        raise JobNotResumable(job_id, get_replay_job(store, job_id).status)
    return get_replay_job(store, job_id)


def list_replay_jobs(store: Storage) -> list[ReplayJob]:
    """Every replay job, newest first (failed, interrupted, where its process stopped)."""
    return [heard_of(store, job) for job in store.jobs.list()]
