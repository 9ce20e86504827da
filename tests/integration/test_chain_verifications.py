"""Verifying the chain as a job: progress by page, the head it verified, cancel, failure, resume."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from eligibility import services
from eligibility.batch.retention import Retention
from eligibility.errors import ChainTooLong, JobNotResumable, StorageUnavailable
from eligibility.ports import Storage
from eligibility.services import ChainVerifications
from eligibility.services.chain_ranges import VerificationStopped
from eligibility.services.verifications import outcome
from eligibility.storage import memory_storage
from eligibility.storage.sql import SqlStorage
from eligibility.storage.testing import bypassing_append_only

from .helpers import FISHING, cancelled_after_two_pages, decide

SENIOR = {"age": 70, "resident": True}


def chain_of(store: Storage, records: int) -> Storage:
    """`store` with the fishing licence and `records` decisions in its chain."""
    services.sync_rule_files(store, [FISHING])
    for _ in range(records):
        decide(store, SENIOR)
    return store


def test_a_job_keeps_the_outcome_the_head_and_who_asked(store: SqlStorage, tmp_path: Path) -> None:
    chain_of(store, 5)
    jobs = ChainVerifications(tmp_path, page=2)
    job = jobs.create("auditor-1")
    assert (job["status"], job["total"], job["result"]) == ("pending", 0, None)

    done = jobs.run(store, job["id"])

    head = store.decisions.head()
    assert (done["status"], done["processed"], done["total"]) == ("done", 5, 5)
    assert done["created_by"] == "auditor-1" and done["started_at"] and done["finished_at"]
    assert done["result"]["ok"] is True and done["result"]["checked"] == 5
    assert done["result"]["head"] == {"sequence": 5, "hash": head.hash}
    assert done["result"]["message"] == "ok (5 records)"
    assert jobs.get(job["id"]) == done  # any process reads the same outcome
    assert [found["id"] for found in jobs.list()] == [job["id"]]


def test_a_job_names_the_record_a_database_writer_edited(store: SqlStorage, tmp_path: Path) -> None:
    chain_of(store, 4)
    with bypassing_append_only(store.db.engine) as connection:
        connection.execute(text("UPDATE decisions SET client = 'someone else' WHERE sequence = 3"))
    jobs = ChainVerifications(tmp_path, page=2)
    done = jobs.run(store, jobs.create("auditor-1")["id"])
    assert done["status"] == "done" and done["processed"] == 2
    assert done["result"]["ok"] is False
    assert done["result"]["broken"]["sequence"] == 3
    assert "client" in done["result"]["broken"]["fields"]


def test_progress_is_heard_per_page_and_stop_ends_the_walk() -> None:
    store = chain_of(memory_storage(), 5)
    heard: list[tuple[int, int]] = []
    result = services.verify_audit_chain(store, progress=lambda *p: heard.append(p), page=2)
    assert result.ok and heard == [(0, 5), (2, 5), (4, 5), (5, 5)]
    heard.clear()
    services.verify_audit_chain(
        chain_of(memory_storage(), 4), progress=lambda *p: heard.append(p), page=2
    )
    assert heard == [(0, 4), (2, 4), (4, 4)]  # the last count told once

    with pytest.raises(VerificationStopped) as stopped:
        services.verify_audit_chain(store, stop=lambda: True, page=2)
    assert stopped.value.checked == 2


def test_a_chain_longer_than_allowed_is_not_walked() -> None:
    store = chain_of(memory_storage(), 3)
    with pytest.raises(ChainTooLong) as refused:
        services.verify_audit_chain(store, at_most=2)
    assert (refused.value.records, refused.value.at_most) == (3, 2)
    assert services.verify_audit_chain(store, at_most=3).ok


def test_a_job_cancelled_while_running_stops_at_the_next_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = chain_of(memory_storage(), 6)
    jobs = ChainVerifications(tmp_path, page=2)
    job = jobs.create("auditor-1")
    reads = store.decisions.chain

    def read_then_cancel(after: int, limit: int) -> Any:
        jobs.cancel(job["id"])  # an auditor cancels while the first page is being read
        return reads(after, limit)

    monkeypatch.setattr(store.decisions, "chain", read_then_cancel)
    done = jobs.run(store, job["id"])
    assert (done["status"], done["processed"], done["result"]) == ("cancelled", 2, None)


def test_a_job_cancelled_before_it_starts_never_runs(tmp_path: Path) -> None:
    store = chain_of(memory_storage(), 2)
    jobs = ChainVerifications(tmp_path)
    job = jobs.create("auditor-1")
    assert jobs.cancel(job["id"])["status"] == "cancelled"
    done = jobs.run(store, job["id"])
    assert (done["status"], done["processed"], done["started_at"]) == ("cancelled", 0, None)
    assert jobs.cancel(job["id"]) == done  # cancelling again changes nothing


def test_a_job_whose_database_fails_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = chain_of(memory_storage(), 2)

    def unreachable() -> Any:
        raise StorageUnavailable("the database cannot be reached")

    monkeypatch.setattr(store.decisions, "head", unreachable)
    jobs = ChainVerifications(tmp_path)
    job = jobs.create("auditor-1")
    with pytest.raises(StorageUnavailable):
        jobs.run(store, job["id"])
    failed = jobs.get(job["id"])
    assert failed["status"] == "failed" and failed["result"] is None
    assert "cannot be reached" in failed["error"]


def test_only_the_latest_outcomes_are_kept(tmp_path: Path) -> None:
    store = chain_of(memory_storage(), 1)
    jobs = ChainVerifications(tmp_path, keep=Retention(days=0, jobs=2))
    ids = []
    for _ in range(4):
        ids.append(jobs.create("auditor-1")["id"])
        jobs.run(store, ids[-1])
    # each new job prunes before it is made: the two latest finished ones stay beside it
    assert [job["id"] for job in jobs.list()] == ids[::-1][:3]


def test_a_job_that_failed_midway_resumes_after_the_records_it_verified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = chain_of(memory_storage(), 7)
    head, third = store.decisions.head(), store.decisions.chain(2, 1)[0]
    jobs = ChainVerifications(tmp_path, page=2)
    job = jobs.create("auditor-1")
    reads = store.decisions.chain
    asked: list[int] = []

    def failing_on_the_third_page(after: int, limit: int) -> Any:
        asked.append(after)  # the first read looks beyond the head, then the pages
        if len(asked) == 4:
            raise StorageUnavailable("the database went away")
        return reads(after, limit)

    monkeypatch.setattr(store.decisions, "chain", failing_on_the_third_page)
    with pytest.raises(StorageUnavailable):
        jobs.run(store, job["id"])
    failed = jobs.get(job["id"])
    assert failed["status"] == "failed" and failed["processed"] == 4
    # records 1–4 were read and #4 was handed to the walk, so #3 is the last known clean
    assert failed["verified_to"] == {"sequence": 3, "hash": third.hash}

    asked.clear()
    monkeypatch.setattr(store.decisions, "chain", reads_after(reads, asked))
    assert jobs.resume(job["id"])["status"] == "pending"
    done = jobs.run(store, job["id"])
    assert min(asked) == 3  # nothing before the prefix's end read again
    assert (done["status"], done["processed"], done["total"]) == ("done", 7, 7)
    assert done["started_from"] == failed["verified_to"]
    assert done["verified_to"] == {"sequence": 7, "hash": head.hash}
    assert done["result"] == outcome(services.verify_audit_chain(store))
    assert done["started_at"] == failed["started_at"]  # one job, run twice


def reads_after(reads: Any, asked: list[int]) -> Any:
    """The repository's `chain`, noting where each read starts."""

    def noted(after: int, limit: int) -> Any:
        asked.append(after)
        return reads(after, limit)

    return noted


def test_a_cancelled_job_resumes_and_one_done_or_pending_does_not(tmp_path: Path) -> None:
    store = chain_of(memory_storage(), 6)
    jobs = ChainVerifications(tmp_path, page=2)
    job = jobs.create("auditor-1")
    with pytest.raises(JobNotResumable):
        jobs.resume(job["id"])  # pending
    stopped = cancelled_after_two_pages(jobs, store, job["id"])
    assert (stopped["status"], stopped["processed"]) == ("cancelled", 4)
    assert stopped["verified_to"]["sequence"] == 3

    done = jobs.run(store, jobs.resume(job["id"])["id"])
    assert done["status"] == "done" and done["result"]["ok"] and done["processed"] == 6
    assert done["started_from"] == stopped["verified_to"]
    with pytest.raises(JobNotResumable):
        jobs.resume(job["id"])  # done


def test_a_broken_chain_is_never_counted_in_the_verified_prefix(
    store: SqlStorage, tmp_path: Path
) -> None:
    chain_of(store, 6)
    with bypassing_append_only(store.db.engine) as connection:
        connection.execute(text("UPDATE decisions SET client = 'someone else' WHERE sequence = 5"))
    jobs = ChainVerifications(tmp_path, page=1)
    done = jobs.run(store, jobs.create("auditor-1")["id"])
    assert done["result"]["broken"]["sequence"] == 5
    assert done["verified_to"]["sequence"] == 4  # the record before the broken one, never it
