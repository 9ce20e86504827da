"""Appends of one process under load: batched in one transaction, each its own place, once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from eligibility import services
from eligibility.decisions import sealing
from eligibility.errors import ChainMismatch
from eligibility.records import DecisionFilter
from eligibility.storage.sql import SqlStorage

from .helpers import FISHING, decide

THREADS, EACH = 8, 25


def test_threads_of_one_process_share_transactions_and_keep_one_valid_chain(
    fishing_store: SqlStorage,
) -> None:
    start = threading.Barrier(THREADS)

    def writer(number: int) -> list[str]:
        start.wait()
        answers = [{"age": 18 + i, "resident": i % 2 == 0} for i in range(EACH)]
        return [
            decide(fishing_store, a, f"writer-{number}", f"{number}-{i}").id
            for i, a in enumerate(answers)
        ]

    with ThreadPoolExecutor(THREADS) as pool:
        written = list(pool.map(writer, range(THREADS)))
    records = fishing_store.decisions.find(DecisionFilter())
    assert [r.sequence for r in records] == list(range(1, THREADS * EACH + 1))
    assert sorted(r.id for r in records) == sorted(i for ids in written for i in ids)
    for number, ids in enumerate(written):  # each writer's own order is kept
        assert [r.id for r in records if r.client == f"writer-{number}"] == ids
    appends = fishing_store.decisions.appends
    assert appends.items == THREADS * EACH and appends.largest > 1
    assert services.verify_audit_chain(fishing_store).ok


def test_one_key_sent_by_several_threads_at_once_is_recorded_once(
    fishing_store: SqlStorage,
) -> None:
    start = threading.Barrier(THREADS)

    def retry(_: int) -> str:
        start.wait()
        return decide(fishing_store, {"age": 70, "resident": True}, "client-1", "same-key").id

    with ThreadPoolExecutor(THREADS) as pool:
        ids = set(pool.map(retry, range(THREADS)))
    assert len(ids) == 1 and fishing_store.decisions.head().sequence == 1
    assert services.verify_audit_chain(fishing_store).ok


def test_a_record_hashed_otherwise_by_the_database_is_never_committed(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL hashes in the append statement; the service checks before the commit."""
    fishing_store = SqlStorage(postgres_url)
    services.sync_rule_files(fishing_store, [FISHING])
    kept = decide(fishing_store, {"age": 70, "resident": True})
    monkeypatch.setattr(sealing.Halves, "hash", lambda self, prev, sequence: "0" * 64)
    with pytest.raises(ChainMismatch):
        decide(fishing_store, {"age": 70, "resident": True})
    monkeypatch.undo()
    assert fishing_store.decisions.head().sequence == 1
    assert decide(fishing_store, {"age": 30, "resident": True}).prev_hash == kept.hash
    assert services.verify_audit_chain(fishing_store).ok
    fishing_store.close()


def test_an_append_statement_deallocated_behind_the_writers_back_is_prepared_again(
    postgres_url: str,
) -> None:
    """The writer's connection holds the append prepared; DEALLOCATE ALL there drops it."""
    store = SqlStorage(postgres_url)
    services.sync_rule_files(store, [FISHING])
    first = decide(store, {"age": 70, "resident": True})
    kept = store.db._kept._pooled.driver_connection  # noqa: SLF001 (the connection under test)
    kept.execute("DEALLOCATE ALL")
    kept.commit()
    second = decide(store, {"age": 30, "resident": True})
    assert second.sequence == 2 and second.prev_hash == first.hash
    assert decide(store, {"age": 40, "resident": True}).sequence == 3
    assert services.verify_audit_chain(store).checked == 3
    store.close()
