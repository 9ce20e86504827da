"""Replay over storage: one decision exactly or what-if, and batch jobs in a process pool."""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import traceback
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from itertools import islice

from eligibility.catalogue import compile_cache
from eligibility.decisions import Decision, ReplayResult, replay
from eligibility.decisions.tally import Tally
from eligibility.errors import NotFound, NoVersionApplies, VersionNotFound
from eligibility.evaluation import EngineName
from eligibility.ports import Storage, iterate
from eligibility.records import DecisionFilter, ReplayJob, ReplaySummary, StoredVersion
from eligibility.services.exports import result_lines
from eligibility.services.records import get_decision
from eligibility.services.versions import get_version, list_versions

Progress = Callable[[int, int], None]  # (processed, total)
CHUNK = 100


def recorded_version(store: Storage, decision: Decision) -> StoredVersion:
    """The stored version a decision was made under, found by its content hash."""
    stored = store.versions.get(decision.ruleset_id, decision.version)
    if stored is None or stored.content_hash != decision.content_hash:
        stored = store.versions.by_hash(decision.content_hash)
    if stored is None:
        raise VersionNotFound(
            decision.ruleset_id,
            decision.version,
            f"no stored version has content hash {decision.content_hash} "
            f"({decision.ruleset_id} {decision.version})",
        )
    return stored


def _target(
    store: Storage, ruleset_id: str, version: str | None, as_of: dt.date | None
) -> StoredVersion | None:
    """The what-if version: named (drafts too, for impact analysis), or covering `as_of`."""
    if version is None and as_of is None:
        return None
    if version is not None:
        return get_version(store, ruleset_id, version)
    assert as_of is not None
    covering = store.versions.covering(ruleset_id, as_of)
    if covering is None:
        list_versions(store, ruleset_id)  # RuleSetNotFound first, when it is that
        raise NoVersionApplies(
            f"no published version of '{ruleset_id}' applies on {as_of.isoformat()}"
        )
    return covering


def replay_decision(
    store: Storage,
    decision_id: str,
    version: str | None = None,
    as_of: dt.date | None = None,
    engine: EngineName = "durable",
) -> ReplayResult:
    """Replay one decision under its recorded version (by content hash) or, what-if, another.

    With `version` (any status, so drafts can be tried) or `as_of` (the published
    version covering it) the decision is replayed under that version instead.
    """
    decision = get_decision(store, decision_id)
    target = _target(store, decision.ruleset_id, version, as_of) or recorded_version(
        store, decision
    )
    return replay(decision, compile_cache().stored(target), as_of=as_of, engine=engine)


# --- batch ------------------------------------------------------------------------------------


def start_replay_job(
    store: Storage,
    ruleset_id: str,
    created_by: str,
    target_version: str | None = None,
    target_as_of: dt.date | None = None,
    filters: DecisionFilter | None = None,
) -> ReplayJob:
    """Create a pending batch replay of a rule set's decisions, optionally under another version."""
    list_versions(store, ruleset_id)  # an unknown rule set fails now, not in the job
    _target(store, ruleset_id, target_version, target_as_of)  # fails now if there is none
    chosen = replace(filters or DecisionFilter(), ruleset_id=ruleset_id)
    job = ReplayJob(
        id=str(uuid.uuid4()),
        ruleset_id=ruleset_id,
        filters=chosen,
        target_version=target_version,
        target_as_of=target_as_of,
        status="pending",
        total=store.decisions.count(chosen),
        processed=0,
        summary=ReplaySummary(),
        created_at=store.now(),
        created_by=created_by,
    )
    store.jobs.add(job)
    return job


def get_replay_job(store: Storage, job_id: str) -> ReplayJob:
    """One replay job; NotFound otherwise."""
    job = store.jobs.get(job_id)
    if job is None:
        raise NotFound("replay job", job_id)
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


def list_replay_jobs(store: Storage) -> list[ReplayJob]:
    """Every replay job, newest first."""
    return store.jobs.list()


def replay_chunk(
    decisions: list[Decision],
    versions: dict[str, StoredVersion],
    target: StoredVersion | None,
    as_of: dt.date | None,
) -> list[ReplayResult]:
    """Replay decisions (in a worker process): under `target`, else each under its own version."""
    results = []
    for decision in decisions:
        chosen = target or versions[decision.content_hash]
        results.append(replay(decision, compile_cache().stored(chosen), as_of=as_of))
    return results


def _chunks(decisions: Iterable[Decision], size: int) -> Iterator[list[Decision]]:
    iterator = iter(decisions)
    while chunk := list(islice(iterator, size)):
        yield chunk


def run_replay_job(
    store: Storage,
    job_id: str,
    *,
    workers: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> ReplayJob:
    """Run a job: replay its decisions (in a process pool), saving progress and the summary.

    `executor` may be any concurrent.futures executor (a Dask client's, say);
    otherwise `workers` > 1 starts a process pool and 1 replays in this process.
    """
    job = get_replay_job(store, job_id)
    job = replace(
        job, status="running", started_at=store.now(), total=store.decisions.count(job.filters)
    )
    store.jobs.save(job)
    tally = Tally(job.total)
    try:
        target = _target(store, job.ruleset_id, job.target_version, job.target_as_of)
        with _executor(executor, workers) as pool:
            for results in _replayed(store, job, target, pool, workers):
                for result in results:
                    tally.add(result)
                store.jobs.add_results(job.id, tally.take_rows())
                job = replace(job, processed=tally.processed, summary=tally.summary())
                store.jobs.save(job)
                if progress is not None:
                    progress(tally.processed, job.total)
    except Exception as error:
        failed = replace(job, status="failed", finished_at=store.now(), error=_describe(error))
        store.jobs.save(failed)
        raise
    done = replace(job, status="done", finished_at=store.now(), summary=tally.summary())
    store.jobs.save(done)
    return done


def _describe(error: BaseException) -> str:
    return "".join(traceback.format_exception_only(error)).strip()


def _replayed(
    store: Storage,
    job: ReplayJob,
    target: StoredVersion | None,
    pool: Executor | None,
    workers: int,
) -> Iterator[list[ReplayResult]]:
    """Replayed chunks in order, keeping a few chunks in flight per worker."""
    versions: dict[str, StoredVersion] = {}
    pending: list[Future[list[ReplayResult]]] = []
    for chunk in _chunks(iterate(store.decisions, job.filters), CHUNK):
        needed = _versions_for(store, chunk, versions) if target is None else {}
        if pool is None:
            yield replay_chunk(chunk, needed, target, job.target_as_of)
            continue
        pending.append(pool.submit(replay_chunk, chunk, needed, target, job.target_as_of))
        while len(pending) > 2 * workers:
            yield pending.pop(0).result()
    for future in pending:
        yield future.result()


def _versions_for(
    store: Storage, chunk: list[Decision], known: dict[str, StoredVersion]
) -> dict[str, StoredVersion]:
    for decision in chunk:
        if decision.content_hash not in known:
            known[decision.content_hash] = recorded_version(store, decision)
    return {d.content_hash: known[d.content_hash] for d in chunk}


@contextmanager
def _executor(given: Executor | None, workers: int) -> Iterator[Executor | None]:
    """The caller's executor (left open), a process pool for `workers` > 1, or none (inline)."""
    if given is not None or workers <= 1:
        yield given
        return
    # spawn: a forked child would inherit the parent's durable_rules C state and locks.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)
