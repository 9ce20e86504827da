"""Replay and what-if jobs on the cluster: each partition of decisions replayed where it is read.

The job splits the matching decisions into key ranges (sequence numbers, counted in
the database); each partition opens the database on its worker, streams its
decisions page by page, replays them under the target version (or each under its
recorded one; goal values first, the rest where they differ: `replayed`), saves its
per-decision results and returns its counts. The job
merges the counts in key order; no decision passes through the job's process.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, replace

from eligibility.batch.cluster import Cluster, shared_cluster
from eligibility.batch.collector import set_apart
from eligibility.batch.heartbeat import RESUME, beating, interrupted, last_sign, silent
from eligibility.batch.partitions import (
    Outcome,
    Partition,
    describe,
    partition_size,
    plan,
    run,
)
from eligibility.batch.replay_pages import iterate_for_replay
from eligibility.batch.replayed import replayed
from eligibility.batch.worker import StorageRef, compiled, storage_at
from eligibility.catalogue.lookups import recorded_version, what_if_version
from eligibility.decisions.recorded import Recorded
from eligibility.decisions.tally import InOrder, Tally
from eligibility.errors import NotFound
from eligibility.evaluation import EngineName
from eligibility.ports import Storage
from eligibility.records import (
    UNFINISHED,
    DecisionFilter,
    JobStatus,
    ReplayJob,
    ReplaySummary,
    StoredVersion,
)
from eligibility.storage import for_batch, storage_url

Progress = Callable[[int, int], None]  # (processed, total)
PAGE = 500  # decisions read per query inside a partition
SAVE_SECONDS = 0.5  # progress is saved at most this often
CANCEL_POLL_SECONDS = 1.0  # how often a job looks whether it was cancelled


@dataclass(frozen=True)
class ReplayTask:
    """What every partition of one job needs (sent to each worker once)."""

    job_id: str
    filters: DecisionFilter
    target: StoredVersion | None
    as_of: dt.date | None
    engine: EngineName


def replay_partition(part: Partition, source: StorageRef, task: ReplayTask) -> Tally:
    """Replay the decisions of one key range (on a worker); save their rows; their counts."""
    set_apart()
    store = storage_at(source)
    tally = Tally(part.rows)
    versions = _recorded_versions(source if isinstance(source, str) else task.job_id)
    # A database is read ahead, in a thread, while a page is replayed (storage held in this
    # process, in memory, is not: its reads cost nothing to wait for).
    ahead = isinstance(source, str)
    pages = (task.filters, PAGE, part.low - 1, part.high)
    # Closed however the partition ends: the read ahead's thread is done with the database.
    with closing(iterate_for_replay(store.decisions, *pages, read_ahead=ahead)) as decisions:
        for decision in decisions:
            version = task.target or _recorded(store, decision, versions)
            tally.add(replayed(decision, compiled(version), task.as_of, task.engine))
    store.jobs.put_results(task.job_id, part.low, part.high, tally.take_rows())
    return tally


RecordedVersions = dict[tuple[str, str, str], StoredVersion]
KEPT = 8  # databases (or jobs) whose recorded versions a worker keeps, least recently used out
KEPT_VERSIONS = 512  # versions kept per database (found again when more are replayed)
_recorded_of: OrderedDict[str, RecordedVersions] = OrderedDict()
_lock = threading.Lock()


def _recorded_versions(key: str) -> RecordedVersions:
    """The recorded versions this worker has found so far in one database (or for one job).

    Finding one reads it and checks its content hash (~2-10 ms: 57 ms for the bench's 4 SNAP
    and 20 Kurzarbeitergeld versions), once per version and worker, not per partition or job:
    a version found by its content hash is that content for good (stored versions never
    change it), and the database is named by its URL. Storage a process holds itself (no
    URL) keeps them for the job.
    """
    with _lock:
        found = _recorded_of.get(key)
        if found is None or len(found) > KEPT_VERSIONS:
            found = _recorded_of[key] = {}
            while len(_recorded_of) > KEPT:
                _recorded_of.popitem(last=False)
        _recorded_of.move_to_end(key)
        return found


def _recorded(store: Storage, decision: Recorded, known: RecordedVersions) -> StoredVersion:
    key = (decision.ruleset_id, decision.version, decision.content_hash)
    found = known.get(key)
    if found is None:
        found = known[key] = recorded_version(store, decision)
    return found


def get_replay_job(store: Storage, job_id: str) -> ReplayJob:
    """One replay job (failed if its process stopped running it); NotFound otherwise."""
    job = store.jobs.get(job_id)
    if job is None:
        raise NotFound("replay job", job_id)
    return heard_of(store, job)


def heard_of(store: Storage, job: ReplayJob) -> ReplayJob:
    """`job`, failed as interrupted when it is unfinished and its process fell silent."""
    if job.status not in UNFINISHED:
        return job
    last = last_sign(job.heartbeat_at, job.started_at, job.created_at)
    now = store.now()
    if not silent(last, now):
        return job
    store.jobs.interrupt(job.id, job.heartbeat_at, now, interrupted(last, RESUME))
    return store.jobs.get(job.id) or job


def run_replay_job(
    store: Storage,
    job_id: str,
    *,
    cluster: Cluster | None = None,
    progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
    engine: EngineName = "durable",
    inline: bool = False,
) -> ReplayJob:
    """Run a job on `cluster` (default: the process's, for storage in a database).

    `inline` runs it here, partition after partition, whatever the storage.

    Storage only this process holds (in memory) is replayed here, partition after
    partition. Progress is saved as partitions complete; `stop` returning true
    cancels the rest (status cancelled, the completed partitions counted). A
    partition that fails is named in the summary and the job fails with its error. Its
    progress and results are saved with the batch budget per transaction (`for_batch`).
    """
    own = for_batch(store)
    try:
        with beating(lambda: own.jobs.beat(job_id, own.now())):  # while it runs
            _run(own, job_id, cluster, progress, stop, engine, inline)
        return get_replay_job(own, job_id)  # as stored: its last heartbeat too
    finally:
        if own is not store:
            own.close()


def _run(
    store: Storage,
    job_id: str,
    cluster: Cluster | None,
    progress: Progress | None,
    stop: Callable[[], bool] | None,
    engine: EngineName,
    inline: bool,
) -> None:
    job = get_replay_job(store, job_id)
    if job.status != "pending":  # cancelled before it started (or run already)
        return
    job = replace(job, status="running", started_at=job.started_at or store.now())
    store.jobs.save(job)
    source = storage_url(store)
    try:
        on = cluster if cluster is not None else shared_cluster() if source and not inline else None
        target = what_if_version(store, job.ruleset_id, job.target_version, job.target_as_of)
        parts, job = _planned(store, job, on.workers if on is not None else 1)
        # Partitions a run before this one completed (the job is resumed) count as they were.
        tallies = {i: Tally.from_dict(t) for i, t in store.jobs.tallies(job.id).items()}
        task = ReplayTask(job.id, job.filters, target, job.target_as_of, engine)
        saver = _Saver(store, job, tallies, progress)
        ref: StorageRef = source if on is not None and source is not None else store
        halt = _Halt(store, job.id, stop)
        saver.halt = halt
        todo = [part for part in parts if part.index not in tallies]
        outcome = run(on, replay_partition, todo, (ref, task), saver.done, halt, f"replay-{job.id}")
    except Exception as error:
        failed = replace(job, status="failed", finished_at=store.now(), error=describe(error))
        store.jobs.save(failed)
        raise
    _finish(store, saver.job, saver.in_order.summary(), outcome)


def _planned(store: Storage, job: ReplayJob, workers: int) -> tuple[list[Partition], ReplayJob]:
    """The job's partitions: those kept when it first ran, else planned now and kept."""
    kept = store.jobs.plan(job.id)
    if kept is not None:
        return [Partition.from_dict(part) for part in kept], job
    head = store.decisions.head().sequence  # decisions recorded later are not this job's
    job = replace(job, total=store.decisions.count(job.filters))
    store.jobs.save(job)
    every = partition_size(job.total, workers)
    starts = [key for key in store.decisions.keys(job.filters, every) if key <= head]
    parts = plan(starts, head, job.total, every)
    store.jobs.save_plan(job.id, [part.to_dict() for part in parts])
    return parts, job


class _Halt:
    """Stop when the caller says so or the job was cancelled (asked of storage now and then)."""

    def __init__(self, store: Storage, job_id: str, stop: Callable[[], bool] | None) -> None:
        self.store, self.job_id, self.stop = store, job_id, stop
        self.cancelled = False
        self.asked = time.monotonic()

    def __call__(self) -> bool:
        if self.cancelled or (self.stop is not None and self.stop()):
            return True
        if time.monotonic() - self.asked >= CANCEL_POLL_SECONDS:
            self.asked = time.monotonic()
            found = self.store.jobs.get(self.job_id)
            self.cancelled = found is not None and found.status == "cancelled"
        return self.cancelled


class _Saver:
    """Counts completed partitions in, saving the job's progress now and then."""

    def __init__(
        self, store: Storage, job: ReplayJob, tallies: dict[int, Tally], progress: Progress | None
    ) -> None:
        self.store, self.job, self.tallies, self.progress = store, job, tallies, progress
        self.saved = 0.0
        self.halt: _Halt | None = None
        self.in_order = InOrder(job.total, tallies)

    def done(self, part: Partition, tally: Tally) -> None:
        self.store.jobs.put_tally(self.job.id, part.index, tally.to_dict())  # kept to resume
        self.tallies[part.index] = tally
        processed = sum(t.processed for t in self.tallies.values())
        now = time.monotonic()
        if now - self.saved >= SAVE_SECONDS:
            summary = self.in_order.summary()  # the first ids only: small
            self.job = replace(self.job, processed=processed, summary=summary)
            if not self.store.jobs.save_progress(self.job) and self.halt is not None:
                self.halt.cancelled = True  # cancelled meanwhile: the rest is not run
            self.saved = now
        if self.progress is not None:
            self.progress(processed, self.job.total)


def _finish(
    store: Storage, job: ReplayJob, summary: ReplaySummary, outcome: Outcome[Tally]
) -> None:
    failed = [f.to_dict() for f in sorted(outcome.failed, key=lambda f: f.partition.index)]
    summary = replace(summary, failed_partitions=tuple(failed))
    processed = summary.unchanged + summary.changed + summary.failed
    status: JobStatus = "cancelled" if outcome.cancelled else "failed" if failed else "done"
    error = None
    if failed:
        error = "; ".join(
            f"partition {f['index']} (decisions {f['from']}–{f['to']}): {f['error']}"
            for f in failed
        )
    done = replace(
        job,
        status=status,
        processed=processed,
        summary=summary,
        finished_at=store.now(),
        error=error,
    )
    store.jobs.save(done)
    if outcome.failed:
        raise outcome.failed[0].error
