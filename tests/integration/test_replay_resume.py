"""A replay job that stopped (interrupted, partitions failed, cancelled) resumes where it stopped.

Its partitions are kept when it first runs and each completed one's counts as it
completes; resumed, it runs only the partitions without counts, and its summary and
rows are those of a job that ran through (both dialects on the Dask cluster, and in
memory, where a job runs in its process).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eligibility import services
from eligibility.batch import partitions
from eligibility.batch.cluster import Cluster
from eligibility.batch.heartbeat import STALE_SECONDS
from eligibility.decisions.tally import Tally
from eligibility.errors import JobNotResumable
from eligibility.ports import Storage
from eligibility.records import ReplayJob
from eligibility.storage.memory import MemoryStorage
from eligibility.storage.memory_jobs import MemoryJobs
from eligibility.storage.migrate import upgrade
from eligibility.storage.sql import SqlStorage
from eligibility.storage.sql.jobs import SqlJobs
from eligibility.storage.testing import temporary_database

from .helpers import FISHING, decide
from .test_batch_replay import PEOPLE
from .test_job_heartbeat import Clock
from .test_versions_storage import NEXT_YEAR


class Stopped(BaseException):
    """The job's process stopping (nothing of the job's own code catches it)."""


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def nine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Storage, Clock]]:
    """Nine fishing-licence decisions and the 2025 draft, on a clock the test moves."""
    clock = Clock()
    if request.param == "memory":
        yield _filled(MemoryStorage(clock)), clock
        return
    with temporary_database(request.param, tmp_path) as url:
        upgrade(url)
        store = SqlStorage(url, clock=clock)
        yield _filled(store), clock
        store.close()


def _filled(store: Storage) -> Storage:
    services.sync_rule_files(store, [FISHING])
    for answers in PEOPLE:
        decide(store, answers)
    services.create_draft(store, NEXT_YEAR, "author-1")
    return store


@pytest.fixture(autouse=True)
def small_partitions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(partitions, "MIN_ROWS", 3)  # 9 decisions: 1–3, 4–6, 7–9


def _what_if(store: Storage) -> ReplayJob:
    """A pending what-if of the nine decisions under the 2025 draft."""
    return services.start_replay_job(store, "fishing-licence", "auditor", "2025-01-01")


def _whole(store: Storage, cluster: Cluster) -> ReplayJob:
    """The same what-if run through, to compare a resumed job with."""
    job = _what_if(store)
    return services.run_replay_job(store, job.id, cluster=_on(store, cluster))


def _on(store: Storage, cluster: Cluster) -> Cluster | None:
    return None if isinstance(store, MemoryStorage) else cluster  # memory runs in process


def _saved_partitions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The first keys of the partitions whose results are saved from now on, in order."""
    saved: list[int] = []
    for jobs in (SqlJobs, MemoryJobs):
        saving = jobs.put_results

        def spied(self: Any, job_id: str, low: int, high: int, rows: Any, _s: Any = saving) -> None:
            saved.append(low)
            _s(self, job_id, low, high, rows)

        monkeypatch.setattr(jobs, "put_results", spied)  # the workers are threads here
    return saved


def _same_as(resumed: ReplayJob, whole: ReplayJob, store: Storage) -> None:
    assert (resumed.status, resumed.processed, resumed.total, resumed.error) == (
        "done",
        9,
        9,
        None,
    )
    assert resumed.summary == whole.summary
    assert list(resumed.summary.by_rule) == list(whole.summary.by_rule)
    mine = list(store.jobs.results(resumed.id))
    assert [r["sequence"] for r in mine] == list(range(1, 10))  # each once, in order
    assert mine == list(store.jobs.results(whole.id))


def test_an_interrupted_job_resumes_with_the_partitions_not_done(
    nine: tuple[Storage, Clock], dask_cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, clock = nine
    whole = _whole(store, dask_cluster)
    job = _what_if(store)

    def stopping(processed: int, total: int) -> None:
        raise Stopped  # the process stops once the first partition is counted

    with pytest.raises(Stopped):
        services.run_replay_job(store, job.id, cluster=_on(store, dask_cluster), progress=stopping)
    running = services.get_replay_job(store, job.id)
    assert running.status == "running"  # nothing ended it
    counted = running.summary  # the counts so far, naming the decisions counted (few here)
    assert (running.processed, counted.unchanged + counted.changed) == (3, 3)
    assert (len(counted.changed_ids), counted.failed_ids) == (counted.changed, {})
    (done,) = store.jobs.tallies(job.id)
    clock.advance(STALE_SECONDS + 1)
    interrupted = services.get_replay_job(store, job.id)
    assert interrupted.status == "failed"
    assert interrupted.error is not None and interrupted.error.endswith(
        "resume it to run the partitions not yet done"
    )

    pending = services.resume_replay_job(store, job.id)
    assert (pending.status, pending.error, pending.finished_at) == ("pending", None, None)
    saved = _saved_partitions(monkeypatch)
    resumed = services.run_replay_job(store, job.id, cluster=_on(store, dask_cluster))
    _same_as(resumed, whole, store)
    assert sorted(saved) == sorted({1, 4, 7} - {[1, 4, 7][done]})  # not the one done before
    assert resumed.started_at == interrupted.started_at  # when it began, not when it resumed


def test_a_job_with_failed_partitions_resumes_those_only(
    nine: tuple[Storage, Clock], dask_cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = nine
    whole = _whole(store, dask_cluster)
    job = _what_if(store)
    jobs = type(store.jobs)
    saving = jobs.put_results

    def refusing(self: Any, job_id: str, low: int, high: int, rows: Any) -> None:
        if low == 4:
            raise RuntimeError("disk full")
        saving(self, job_id, low, high, rows)

    with monkeypatch.context() as patched:
        patched.setattr(jobs, "put_results", refusing)
        with pytest.raises(RuntimeError, match="disk full"):
            services.run_replay_job(store, job.id, cluster=_on(store, dask_cluster))
    failed = services.get_replay_job(store, job.id)
    assert failed.status == "failed" and failed.processed == 6
    assert [p["from"] for p in failed.summary.failed_partitions] == [4]

    services.resume_replay_job(store, job.id)
    saved = _saved_partitions(monkeypatch)
    resumed = services.run_replay_job(store, job.id, cluster=_on(store, dask_cluster))
    _same_as(resumed, whole, store)
    assert resumed.summary.failed_partitions == () and saved == [4]


def test_a_cancelled_job_resumes_once_its_run_has_ended(
    nine: tuple[Storage, Clock], dask_cluster: Cluster
) -> None:
    store, _ = nine
    whole = _whole(store, dask_cluster)
    job = _what_if(store)
    seen: list[int] = []  # Ctrl-C in `eligibility replay` once a partition is counted
    cancelled = services.run_replay_job(
        store,
        job.id,
        cluster=_on(store, dask_cluster),
        progress=lambda p, _: seen.append(p),
        stop=lambda: bool(seen),
    )
    assert cancelled.status == "cancelled" and cancelled.finished_at is not None
    assert cancelled.processed < 9
    services.resume_replay_job(store, job.id)
    resumed = services.run_replay_job(store, job.id, cluster=_on(store, dask_cluster))
    _same_as(resumed, whole, store)


def test_a_job_pending_running_done_or_cancelled_before_it_ran_does_not_resume(
    nine: tuple[Storage, Clock], dask_cluster: Cluster
) -> None:
    store, _ = nine
    done = _whole(store, dask_cluster)
    pending = _what_if(store)
    never_ran = _what_if(store)
    services.cancel_replay_job(store, never_ran.id)  # its run may be about to look at it
    for job, status in ((done, "done"), (pending, "pending"), (never_ran, "cancelled")):
        with pytest.raises(JobNotResumable, match=f"is {status}: only a failed job"):
            services.resume_replay_job(store, job.id)
        assert services.get_replay_job(store, job.id).status == status


def test_a_partitions_counts_read_back_merge_as_they_were_counted(
    nine: tuple[Storage, Clock], dask_cluster: Cluster
) -> None:
    store, _ = nine
    done = _whole(store, dask_cluster)
    kept = store.jobs.tallies(done.id)
    assert sorted(kept) == [0, 1, 2]
    whole = Tally(9)
    for index in sorted(kept):
        whole.merge(Tally.from_dict(kept[index]))
    assert whole.summary() == done.summary
    assert Tally.from_dict(kept[1]).to_dict() == kept[1]
    assert store.jobs.plan(done.id) == [
        {"index": 0, "from": 1, "to": 3, "rows": 3},
        {"index": 1, "from": 4, "to": 6, "rows": 3},
        {"index": 2, "from": 7, "to": 9, "rows": 3},
    ]
    assert done.started_at is not None and done.started_at.tzinfo == dt.UTC
