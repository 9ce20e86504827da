"""Faults: the database goes away → StorageUnavailable, nothing half-written, recovery in place."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from eligibility import services
from eligibility.errors import StorageUnavailable
from eligibility.ports import Storage
from eligibility.records import utcnow
from eligibility.storage.migrate import upgrade
from eligibility.storage.sql import SqlStorage

from .helpers import FISHING, decide
from .tcp_proxy import TcpProxy

SENIOR = {"age": 70, "resident": True}
# Waits (up to 10 s) until the backend has ended: pg_stat_activity read again and again in
# one transaction shows the same snapshot, so polling it there could wait forever.
TERMINATE = text("SELECT pg_terminate_backend(:pid, 10000)")


class Trap:
    """A clock that runs an action when read: an append reads it inside its transaction.

    (Just before the one statement that locks the head and chains the record, or, for a
    session's submit and a retried key, inside the head's lock.)
    """

    def __init__(self) -> None:
        self.armed: object = None

    def __call__(self) -> dt.datetime:
        action, self.armed = self.armed, None
        if callable(action):
            action()
        return utcnow()


@pytest.fixture
def proxy(postgres_url: str) -> Iterator[TcpProxy]:
    """A proxy in front of the PostgreSQL server of `postgres_url`."""
    target = make_url(postgres_url)
    server = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
    yield server
    server.close()


@pytest.fixture
def proxied(postgres_url: str, proxy: TcpProxy) -> tuple[str, Trap]:
    """The database URL through the proxy, and a trap for the storage clock."""
    url = make_url(postgres_url).set(host="127.0.0.1", port=proxy.port)
    return url.render_as_string(hide_password=False), Trap()


def _terminate(postgres_url: str, pid: int) -> None:
    """End a backend as the server would (an administrator, a restart), and wait for it."""
    admin = create_engine(make_url(postgres_url))
    with admin.connect() as connection:
        assert connection.execute(TERMINATE, {"pid": pid}).scalar()
    admin.dispose()


def _store(url: str, clock: Trap) -> SqlStorage:
    store = SqlStorage(url, clock=clock)
    services.sync_rule_files(store, [FISHING])
    return store


def test_cut_mid_append_writes_nothing_and_recovers_without_restart(
    proxied: tuple[str, Trap], proxy: TcpProxy, postgres_url: str
) -> None:
    url, trap = proxied
    store = _store(url, trap)
    kept = [decide(store, SENIOR), decide(store, SENIOR)]
    trap.armed = proxy.cut  # the connection drops after the chain head is locked
    with pytest.raises(StorageUnavailable):
        decide(store, SENIOR)
    with pytest.raises(StorageUnavailable):
        store.ping()
    direct = SqlStorage(postgres_url)
    assert direct.decisions.head().sequence == 2
    assert services.verify_audit_chain(direct).ok
    proxy.restore()
    third = decide(store, SENIOR)  # the same storage object: no restart
    assert third.sequence == 3 and third.prev_hash == kept[-1].hash
    assert services.verify_audit_chain(direct).checked == 3
    direct.close()
    store.close()


def test_reads_fail_clearly_while_down(proxied: tuple[str, Trap], proxy: TcpProxy) -> None:
    url, trap = proxied
    store = _store(url, trap)
    decision = decide(store, SENIOR)
    proxy.cut()
    for attempt in (
        store.ping,
        lambda: services.get_decision(store, decision.id),
        lambda: services.verify_audit_chain(store),
        lambda: list(services.export_decisions(store, "jsonl")),
    ):
        with pytest.raises(StorageUnavailable, match="database is unavailable"):
            attempt()
    proxy.restore()
    assert services.get_decision(store, decision.id) == decision
    store.close()


def test_a_retry_with_the_same_key_after_an_outage_records_once(
    proxied: tuple[str, Trap], proxy: TcpProxy
) -> None:
    url, trap = proxied
    store = _store(url, trap)
    trap.armed = proxy.cut
    with pytest.raises(StorageUnavailable):
        decide(store, SENIOR, key="k-1")
    proxy.restore()
    first = decide(store, SENIOR, key="k-1")
    again = decide(store, SENIOR, key="k-1")
    assert first == again and store.decisions.head().sequence == 1
    store.close()


def test_a_failure_inside_the_append_rolls_everything_back(migrated_url: str) -> None:
    trap = Trap()
    store = _store(migrated_url, trap)
    decide(store, SENIOR)

    def crash() -> None:
        raise RuntimeError("the process dies between insert and commit")

    trap.armed = crash
    with pytest.raises(RuntimeError):
        decide(store, SENIOR)
    assert store.decisions.head().sequence == 1
    assert services.verify_audit_chain(store).ok
    assert decide(store, SENIOR).sequence == 2
    store.close()


def test_a_locked_sqlite_database_is_unavailable_then_recovers(tmp_path: Path) -> None:
    file = tmp_path / "locked.db"
    upgrade(f"sqlite:///{file}")
    store: Storage = _store(f"sqlite:///{file}?timeout=0.2", Trap())
    holder = sqlite3.connect(file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(StorageUnavailable, match="locked"):
        decide(store, SENIOR)
    holder.execute("ROLLBACK")
    holder.close()
    assert store.decisions.head().sequence == 0
    assert decide(store, SENIOR).sequence == 1
    store.close()


def test_a_pooled_connection_the_server_ended_is_replaced_before_use(postgres_url: str) -> None:
    """No ping for a connection used a moment ago, but one the server closed is seen."""
    store = _store(postgres_url, Trap())
    decide(store, SENIOR)
    with store.db.read() as session:
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    _terminate(postgres_url, pid)
    assert decide(store, SENIOR).sequence == 2  # the pool reconnected: no request failed
    assert services.verify_audit_chain(store).ok
    store.close()


def _kept_backend(store: SqlStorage) -> int:
    """The backend of the connection the appends keep (one connection stays checked out)."""
    assert store.db.engine.pool.checkedout() == 1
    kept = store.db._kept._pooled  # noqa: SLF001 (the object under test)
    return int(kept.driver_connection.info.backend_pid)


def test_appends_keep_one_connection_and_replace_it_when_the_server_ended_it(
    postgres_url: str,
) -> None:
    store = _store(postgres_url, Trap())
    decide(store, SENIOR)
    pid = _kept_backend(store)
    decide(store, SENIOR)
    assert _kept_backend(store) == pid  # the same connection, not checked out again
    _terminate(postgres_url, pid)
    assert decide(store, SENIOR).sequence == 3  # pinged, found ended, replaced: nothing failed
    assert _kept_backend(store) != pid
    assert services.verify_audit_chain(store).checked == 3
    store.close()
    assert store.db.engine.pool.checkedout() == 0  # closing the store hands it back


def test_a_kept_connection_cut_mid_append_is_replaced(
    proxied: tuple[str, Trap], proxy: TcpProxy, postgres_url: str
) -> None:
    url, trap = proxied
    store = _store(url, trap)
    decide(store, SENIOR)
    pid = _kept_backend(store)
    trap.armed = proxy.cut
    with pytest.raises(StorageUnavailable):
        decide(store, SENIOR)
    assert store.db.engine.pool.checkedout() == 0  # the lost one went back to be discarded
    proxy.restore()
    assert decide(store, SENIOR).sequence == 2
    assert _kept_backend(store) != pid
    direct = SqlStorage(postgres_url)
    assert services.verify_audit_chain(direct).checked == 2
    direct.close()
    store.close()
