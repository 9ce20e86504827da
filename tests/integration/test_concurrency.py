"""The hash chain under concurrent writers: valid, no gaps, no duplicates (8 writers × 200)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from eligibility import services
from eligibility.ports import Storage
from eligibility.records import DecisionFilter
from eligibility.storage import for_batch
from eligibility.storage.sql import SqlStorage
from eligibility.storage.testing import FUNCTIONAL_DEADLINES

from .helpers import decide

WRITERS, EACH = 8, 200


def _writer(url: str, number: int, start: threading.Barrier) -> list[str]:
    """One writer with its own engine and connections, like a separate API process."""
    store = SqlStorage(url, settings=FUNCTIONAL_DEADLINES)
    try:
        start.wait()
        return [
            decide(store, {"age": 18 + (i % 80), "resident": i % 3 != 0}, f"writer-{number}").id
            for i in range(EACH)
        ]
    finally:
        store.close()


@pytest.mark.slow
def test_concurrent_writers_keep_one_valid_chain(migrated_url: str, fishing_store: Storage) -> None:
    start = threading.Barrier(WRITERS)
    with ThreadPoolExecutor(WRITERS) as pool:
        futures = [pool.submit(_writer, migrated_url, n, start) for n in range(WRITERS)]
        written = [f.result() for f in futures]
    # Every record read in one transaction: an auditor's budget, not a request's 2 s (which
    # a slow machine's 1,600 full records can take).
    auditor = for_batch(fishing_store)
    try:
        records = list(auditor.decisions.find(DecisionFilter()))
        result = services.verify_audit_chain(auditor)
    finally:
        auditor.close()
    assert [r.sequence for r in records] == list(range(1, WRITERS * EACH + 1))
    assert len({r.id for r in records}) == len({r.hash for r in records}) == WRITERS * EACH
    assert {r.id for r in records} == {i for ids in written for i in ids}
    for number in range(WRITERS):
        mine = [r for r in records if r.client == f"writer-{number}"]
        assert [r.id for r in mine] == written[number]  # each writer's order is kept
    assert result.ok and result.checked == WRITERS * EACH
