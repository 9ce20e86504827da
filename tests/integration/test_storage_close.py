"""Closing storage: new transactions refused, those under way let end, nothing left open."""

from __future__ import annotations

import gc
import threading
import time
import warnings

import pytest
from sqlalchemy import text

from eligibility.errors import StorageUnavailable
from eligibility.storage.sql import SqlStorage


def test_a_closed_storage_refuses_work_instead_of_opening_a_connection(migrated_url: str) -> None:
    store = SqlStorage(migrated_url)
    store.ping()
    store.close()
    with pytest.raises(StorageUnavailable, match="closed"):
        store.ping()
    assert store.db.engine.pool.checkedout() == 0


def test_closing_waits_for_a_transaction_under_way_and_leaves_no_connection_open(
    migrated_url: str,
) -> None:
    store = SqlStorage(migrated_url)
    inside, ended = threading.Event(), []

    def transaction() -> None:
        with store.db.read() as session:
            session.execute(text("SELECT 1"))
            inside.set()
            time.sleep(0.3)  # a job's page, say, while its server closes the storage
            ended.append(time.monotonic())

    worker = threading.Thread(target=transaction)
    worker.start()
    inside.wait(5)
    store.close()
    closed = time.monotonic()
    worker.join()
    assert ended and ended[0] <= closed  # it ended, then the pool was closed
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()  # a connection left open would be collected here, with a warning
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
