"""A job whose process stopped is reported failed, interrupted, not running for ever.

Replay jobs (in the database, both dialects and in memory) and the jobs kept as files
(batch assessments, chain verifications): a running job beats; one silent for longer
than STALE_SECONDS, or pending that long, reads failed with the time it was last heard
of; a beat that comes in meanwhile keeps it running.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from eligibility import services
from eligibility.batch import heartbeat
from eligibility.batch.heartbeat import STALE_SECONDS, beating
from eligibility.batch.job_files import JobFiles
from eligibility.batch.jobs import BatchJobs
from eligibility.ports import Storage
from eligibility.records import ReplayJob
from eligibility.services import ChainVerifications
from eligibility.storage.memory import MemoryStorage
from eligibility.storage.migrate import upgrade
from eligibility.storage.sql import SqlStorage
from eligibility.storage.testing import temporary_database

from .helpers import FISHING, decide


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def timed(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Storage, Clock]]:
    """Storage with the fishing licence, on a clock the test moves."""
    clock = Clock()
    if request.param == "memory":
        store = MemoryStorage(clock)
        services.sync_rule_files(store, [FISHING])
        yield store, clock
        return
    with temporary_database(request.param, tmp_path) as url:
        upgrade(url)
        sql = SqlStorage(url, clock=clock)
        services.sync_rule_files(sql, [FISHING])
        yield sql, clock
        sql.close()


def _running(store: Storage) -> ReplayJob:
    """A replay job its process started, then stopped running (nothing marks it ended)."""
    job = services.start_replay_job(store, "fishing-licence", "auditor")
    running = replace(job, status="running", started_at=store.now())
    store.jobs.save(running)
    return running


def test_a_running_job_that_falls_silent_reads_failed_interrupted(
    timed: tuple[Storage, Clock],
) -> None:
    store, clock = timed
    job = _running(store)
    clock.advance(30)
    store.jobs.beat(job.id, store.now())
    heard = store.now()
    clock.advance(STALE_SECONDS)  # the last beat a minute ago: still alive
    assert services.get_replay_job(store, job.id).status == "running"
    clock.advance(1)
    found = services.get_replay_job(store, job.id)
    assert (found.status, found.finished_at, found.heartbeat_at) == ("failed", store.now(), heard)
    assert found.error is not None and found.error.startswith("interrupted: the process")
    assert heard.isoformat(timespec="seconds") in found.error
    assert [j.status for j in services.list_replay_jobs(store)] == ["failed"]


def test_a_job_never_started_reads_failed_once_its_process_is_silent(
    timed: tuple[Storage, Clock],
) -> None:
    store, clock = timed
    job = services.start_replay_job(store, "fishing-licence", "auditor")
    clock.advance(STALE_SECONDS + 1)
    assert [j.status for j in services.list_replay_jobs(store)] == ["failed"]
    assert services.run_replay_job(store, job.id).status == "failed"  # not run after all


def test_a_pending_job_that_beats_stays_pending(timed: tuple[Storage, Clock]) -> None:
    store, clock = timed  # its process counts a long chain before it saves it running
    job = services.start_replay_job(store, "fishing-licence", "auditor")
    clock.advance(STALE_SECONDS - 10)
    store.jobs.beat(job.id, store.now())
    clock.advance(30)
    assert services.get_replay_job(store, job.id).status == "pending"


def test_a_beat_between_reading_and_failing_keeps_the_job_running(
    timed: tuple[Storage, Clock],
) -> None:
    store, clock = timed
    job = _running(store)
    clock.advance(STALE_SECONDS + 1)
    store.jobs.beat(job.id, store.now())  # its process was alive after all
    assert not store.jobs.interrupt(job.id, None, store.now(), "interrupted")
    assert services.get_replay_job(store, job.id).status == "running"


def test_saving_progress_keeps_the_heartbeat_and_a_finished_job_does_not_beat(
    timed: tuple[Storage, Clock],
) -> None:
    store, clock = timed
    job = _running(store)
    store.jobs.beat(job.id, store.now())
    store.jobs.save_progress(replace(job, processed=3))  # its copy has no heartbeat
    assert store.jobs.get(job.id).heartbeat_at == store.now()  # type: ignore[union-attr]
    store.jobs.save(replace(job, status="done"))
    clock.advance(5)
    store.jobs.beat(job.id, store.now())
    assert store.jobs.get(job.id).heartbeat_at == store.now() - dt.timedelta(seconds=5)  # type: ignore[union-attr]


@pytest.mark.usefixtures("dask_cluster")  # a database's job runs on the cluster
def test_a_replay_job_beats_while_it_runs(
    timed: tuple[Storage, Clock], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = timed
    monkeypatch.setattr(heartbeat, "HEARTBEAT_SECONDS", 0.01)
    decide(store, {"age": 70, "resident": True})  # a partition to replay
    job = services.start_replay_job(store, "fishing-licence", "auditor")
    heard: list[dt.datetime | None] = []

    def slowly() -> bool:  # asked between partitions: the job runs a while
        time.sleep(0.1)
        heard.append(store.jobs.get(job.id).heartbeat_at)  # type: ignore[union-attr]
        return False

    assert services.run_replay_job(store, job.id, stop=slowly).status == "done"
    assert heard and heard[-1] == store.now()  # beaten while it ran


def test_beating_beats_until_the_work_ends_and_outlives_a_failed_beat() -> None:
    beats: list[float] = []

    def beat() -> None:
        beats.append(time.monotonic())
        if len(beats) == 2:
            raise OSError("the database is away for a moment")

    with beating(beat, every=0.02):
        time.sleep(0.2)
    ended = len(beats)
    time.sleep(0.1)
    assert ended >= 4 and len(beats) == ended
    assert not [t for t in threading.enumerate() if t.name == "job-heartbeat"]


def _aged(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_job_kept_as_files_reads_failed_once_its_heartbeat_stopped(tmp_path: Path) -> None:
    files = ChainVerifications(tmp_path).files
    job = files.create({"result": None}, "auditor")
    assert files.start(job)
    files.beat(job["id"])
    found = files.get(job["id"])
    assert found["status"] == "running" and found["heartbeat_at"] is not None
    _aged(files.folder(job["id"]) / "heartbeat", STALE_SECONDS + 5)
    failed = files.get(job["id"])
    assert failed["status"] == "failed" and failed["error"].startswith("interrupted:")
    assert failed["error"].endswith("; resume it to go on after the records it verified")
    kept = json.loads((files.folder(job["id"]) / "job.json").read_text())
    assert kept["status"] == "failed" and "heartbeat_at" not in kept and "rate" not in kept


def test_a_pending_job_kept_as_files_reads_failed_once_its_process_is_silent(
    tmp_path: Path,
) -> None:
    files = JobFiles(tmp_path, "batch job")
    job = files.create({}, "auditor")
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=STALE_SECONDS + 5)
    files.write({**job, "created_at": long_ago.isoformat()})
    assert [j["status"] for j in files.list()] == ["failed"]
    assert not files.start(files.get(job["id"]))  # never run after all


def test_an_interrupted_batch_assessment_is_advised_to_resume(tmp_path: Path) -> None:
    jobs = BatchJobs(tmp_path)
    job = jobs.files.create({}, "author")
    assert jobs.files.start(job)
    jobs.files.beat(job["id"])
    _aged(jobs.files.folder(job["id"]) / "heartbeat", STALE_SECONDS + 5)
    failed = jobs.get(job["id"])
    assert failed["error"].endswith("; resume it to run the partitions not yet done")
    assert jobs.resume(job["id"])["status"] == "pending"
