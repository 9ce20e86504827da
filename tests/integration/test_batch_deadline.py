"""A batch worker's transactions get the batch budget, not an API request's (PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from eligibility.batch.worker import storage_at
from eligibility.errors import StorageUnavailable
from eligibility.storage import for_batch, memory_storage, open_storage
from eligibility.storage.migrate import upgrade
from eligibility.storage.sql import SqlStorage
from eligibility.storage.testing import temporary_database


def _sleep(store: object, seconds: float) -> None:
    assert isinstance(store, SqlStorage)
    with store.db.read() as session:
        session.execute(text("SELECT pg_sleep(:s)"), {"s": seconds})


def test_a_slow_page_fails_a_request_but_not_a_batch_partition(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_TIMEOUT_SECONDS", "0.5")
    monkeypatch.setenv("DB_BATCH_TIMEOUT_SECONDS", "10")
    with temporary_database("postgresql", tmp_path) as url:
        upgrade(url)
        api_store, worker_store = open_storage(url), storage_at(url)
        try:
            with pytest.raises(StorageUnavailable):
                _sleep(api_store, 1.2)  # a request waiting on it gets its 503
            _sleep(worker_store, 1.2)  # a worker reading a page of a busy job carries on
            assert worker_store is storage_at(url)  # opened once per worker
        finally:
            api_store.close()
            worker_store.close()


def test_a_job_s_parent_saves_its_progress_with_the_batch_budget_and_the_same_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_TIMEOUT_SECONDS", "0.5")
    monkeypatch.setenv("DB_BATCH_TIMEOUT_SECONDS", "10")
    with temporary_database("postgresql", tmp_path) as url:
        upgrade(url)
        store = open_storage(url)
        job_store = for_batch(store)
        try:
            assert isinstance(job_store, SqlStorage) and job_store.clock is store.clock
            _sleep(job_store, 1.2)  # a progress save on a busy database does not end the job
        finally:
            job_store.close()
            store.close()
    in_memory = memory_storage()
    assert for_batch(in_memory) is in_memory
