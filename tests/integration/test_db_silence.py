"""The database refuses, stops, goes silent, or strands an append: bounded waits, no loss.

PostgreSQL through a TCP proxy (tcp_proxy.py), with the default timeouts
(DatabaseSettings): every call answers within about 2 s during the fault, every
decision reported as recorded is stored once, and writes resume within 5 s.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from eligibility import services
from eligibility.decisions import Decision
from eligibility.errors import DatabaseTimeout, StorageUnavailable
from eligibility.records import DecisionFilter
from eligibility.storage import deadline
from eligibility.storage.sql import SqlStorage

from .helpers import FISHING, decide
from .tcp_proxy import TcpProxy
from .test_faults import SENIOR, Trap

BOUND = 3.0  # seconds a call may take while the database is away (budget 2 s + grace)
RESUME = 5.0  # seconds within which writes get through again


@pytest.fixture
def proxy(postgres_url: str) -> Iterator[TcpProxy]:
    """A proxy in front of the PostgreSQL server of `postgres_url`."""
    target = make_url(postgres_url)
    server = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
    yield server
    server.close()


def _url(postgres_url: str, proxy: TcpProxy) -> str:
    url = make_url(postgres_url).set(host="127.0.0.1", port=proxy.port)
    return url.render_as_string(hide_password=False)


def _timed(call: Callable[[], object]) -> tuple[float, object]:
    started = time.monotonic()
    try:
        result = call()
    except StorageUnavailable as error:
        result = error
    return time.monotonic() - started, result


def _resumes(store: SqlStorage) -> float:
    """Seconds until an append gets through again (fails the test after RESUME)."""
    started = time.monotonic()
    while time.monotonic() - started < RESUME:
        took, result = _timed(lambda: decide(store, SENIOR))
        assert took < BOUND
        if isinstance(result, Decision):
            return time.monotonic() - started
        time.sleep(0.1)
    pytest.fail(f"writes did not resume within {RESUME} s")


@pytest.mark.parametrize("fault", ["refuse", "stop", "drop"])
def test_a_database_away_costs_each_call_the_budget_then_writes_resume(
    postgres_url: str, proxy: TcpProxy, fault: str
) -> None:
    store = SqlStorage(_url(postgres_url, proxy), clock=Trap())
    services.sync_rule_files(store, [FISHING])
    kept = decide(store, SENIOR)  # a pooled connection, warm
    getattr(proxy, fault)()
    for call in (
        lambda: decide(store, SENIOR),
        lambda: services.get_decision(store, kept.id),
        store.ping,
    ):
        took, result = _timed(call)
        assert isinstance(result, StorageUnavailable) and took < BOUND, (took, result)
    proxy.restore()
    assert _resumes(store) < RESUME
    assert services.verify_audit_chain(store).checked == 2
    store.close()


def test_a_silent_database_is_a_timeout(postgres_url: str, proxy: TcpProxy) -> None:
    store = SqlStorage(_url(postgres_url, proxy), clock=Trap())
    services.sync_rule_files(store, [FISHING])
    proxy.drop()
    took, result = _timed(store.ping)
    assert isinstance(result, DatabaseTimeout) and "within 2 s" in str(result), result
    assert took < BOUND
    proxy.restore()
    store.ping()
    store.close()


def test_once_a_connection_went_silent_the_older_ones_are_replaced_not_tried(
    postgres_url: str, proxy: TcpProxy
) -> None:
    trap = Trap()
    store = SqlStorage(_url(postgres_url, proxy), clock=trap)
    services.sync_rule_files(store, [FISHING])
    with store.db.read() as first, store.db.read() as second:
        first.execute(text("SELECT 1"))  # two connections in the pool besides the one
        second.execute(text("SELECT 1"))  # the appends keep
    trap.armed = proxy.freeze  # all three stranded in an append; new connections get through
    took, result = _timed(lambda: decide(store, SENIOR))
    assert isinstance(result, DatabaseTimeout) and took < BOUND, (took, result)
    took, result = _timed(lambda: decide(store, SENIOR))
    assert isinstance(result, Decision), (took, result)  # not the other stranded one
    assert services.verify_audit_chain(store).checked == 1
    store.close()


def test_a_partition_during_an_append_holds_writes_up_for_seconds_only(
    postgres_url: str, proxy: TcpProxy
) -> None:
    url = _url(postgres_url, proxy)
    trap = Trap()
    stranded_store = SqlStorage(url, clock=trap)
    services.sync_rule_files(stranded_store, [FISHING])
    decide(stranded_store, SENIOR)
    answered: list[tuple[float, str, object]] = []  # (took, idempotency key, result)
    stop = threading.Event()

    def writer() -> None:
        store = SqlStorage(url)
        while not stop.is_set():
            key = str(uuid.uuid4())
            took, result = _timed(lambda key=key: decide(store, SENIOR, "writer", key))
            answered.append((took, key, result))
        store.close()

    trap.armed = proxy.freeze  # the append's connection is stranded holding the head's lock
    threads = [threading.Thread(target=writer) for _ in range(2)]
    took, result = _timed(lambda: decide(stranded_store, SENIOR, key="stranded"))
    frozen_at = time.monotonic() - took
    for thread in threads:
        thread.start()
    try:
        assert isinstance(result, DatabaseTimeout) and took < BOUND, (took, result)
        _resumes(stranded_store)
        resumed_after = time.monotonic() - frozen_at
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert max(t for t, _, _ in answered) < BOUND
    assert resumed_after < RESUME
    _assert_every_recorded_decision_stored_once(stranded_store, answered)
    assert services.verify_audit_chain(stranded_store).ok
    stranded_store.close()


def _assert_every_recorded_decision_stored_once(
    store: SqlStorage, answered: list[tuple[float, str, object]]
) -> None:
    recorded = [r for _, _, r in answered if isinstance(r, Decision)]
    assert recorded, "no write got through"
    stored = {d.id: d for d in store.decisions.find(DecisionFilter())}
    assert all(stored[r.id] == r for r in recorded)
    keys = [d.idempotency_key for d in stored.values() if d.idempotency_key]
    assert len(keys) == len(set(keys)) and "stranded" not in keys


def test_after_a_timeout_the_rest_of_the_request_fails_at_once(
    postgres_url: str, proxy: TcpProxy
) -> None:
    store = SqlStorage(_url(postgres_url, proxy))
    services.sync_rule_files(store, [FISHING])
    proxy.drop()
    with deadline(10):  # a request's budget, as the API opens one per request
        took, first = _timed(store.ping)
        assert isinstance(first, DatabaseTimeout) and took < BOUND
        took, second = _timed(lambda: decide(store, SENIOR))
        assert isinstance(second, DatabaseTimeout) and took < 0.5, (took, second)
    proxy.restore()
    assert _resumes(store) < RESUME  # a new request has its whole budget again
    store.close()
