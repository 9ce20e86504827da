"""Engines from a database URL, short transactions, and database failures as StorageUnavailable.

PostgreSQL sessions carry server-side timeouts and keepalives (`settings.py`), and each
transaction a client-side deadline (`deadline.py`): a database that goes silent costs a
transaction about `DatabaseSettings.timeout_seconds`, then DatabaseTimeout.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from eligibility.decisions.recorded import loads
from eligibility.errors import DatabaseTimeout, StorageUnavailable
from eligibility.storage.sql import deadline
from eligibility.storage.sql.checkout import before_use, watch_checkouts
from eligibility.storage.sql.kept import KeptConnection, hand_back
from eligibility.storage.sql.settings import DatabaseSettings

SQLITE_BUSY_SECONDS = 30
# The client waits this much longer than the server's own timeouts, whose errors are clearer.
GRACE_SECONDS = 0.25
DRAIN_POLL_SECONDS = 0.01  # how often a closing storage looks whether its transactions ended


def normalise_url(url: str) -> URL:
    """The URL with the driver this service uses: psycopg 3 for PostgreSQL."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_engine_for(url: str, settings: DatabaseSettings | None = None) -> Engine:
    """An engine for SQLite (a file, created with its folder) or PostgreSQL; no connection yet.

    Arguments given in a PostgreSQL URL's query win over `settings`.
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    chosen = settings or DatabaseSettings()
    connect_args = {k: v for k, v in chosen.connect_args().items() if k not in parsed.query}
    if "options" in parsed.query:  # the URL's own options (a search_path …) come after ours
        connect_args["options"] = f"{chosen.server_options()} {parsed.query['options']}".strip()
    engine = create_engine(
        parsed,
        pool_timeout=chosen.pool_timeout_seconds or None,
        connect_args=connect_args,
        json_deserializer=loads,
    )
    watch_checkouts(engine)
    return engine


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    # ?timeout=N in the URL sets how long a writer waits for the lock (pysqlite reads it).
    connect_args = {} if "timeout" in url.query else {"timeout": SQLITE_BUSY_SECONDS}
    engine = create_engine(
        url, pool_pre_ping=True, connect_args=connect_args, json_deserializer=loads
    )
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, record: Any) -> None:
    # SQLAlchemy emits BEGIN itself (see _sqlite_begin); WAL lets readers run beside a writer.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A writer takes the write lock at BEGIN, so it never fails later when upgrading a read lock.
    immediate = connection.get_execution_options().get("immediate", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def is_unavailable(error: BaseException) -> bool:
    """True when a database error means it cannot be reached or used right now."""
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(
        error,
        exc.OperationalError | exc.InterfaceError | exc.TimeoutError | exc.DisconnectionError,
    )


class Database:
    """One engine and its sessions: short read and write transactions, failures translated."""

    def __init__(self, url: str, settings: DatabaseSettings | None = None) -> None:
        self.url = url
        self.settings = settings or DatabaseSettings()
        self.engine = create_engine_for(url, self.settings)
        self._writer = self.engine.execution_options(immediate=True)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self._writer, expire_on_commit=False)
        self._kept = KeptConnection(self.engine, before_use)
        self.closed = False

    @property
    def dialect(self) -> str:
        """The backend's name: sqlite or postgresql."""
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reads; StorageUnavailable when the database cannot be reached."""
        with self._deadline(), guard(), self._read() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction commits at the end, or rolls back on any error."""
        with self._deadline(), guard(), self._write() as session, session.begin():
            yield session

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A write transaction on a plain connection (no ORM session: statements only)."""
        with self._deadline(), guard(), self._writer.begin() as connection:
            yield connection

    @contextmanager
    def raw_write(self, kept: bool = False) -> Iterator[Any]:
        """A pooled psycopg connection for one transaction the caller writes and commits.

        With `kept`, the connection kept for one writer (kept.py) when it is free. A
        transaction left open is rolled back. Errors come out as SQLAlchemy's (a lost
        connection is invalidated), then as StorageUnavailable or DatabaseTimeout.
        """
        with self._deadline(), guard():
            lent = self._kept.lend() if kept else None
            pooled = lent or self.engine.raw_connection()
            driver: Any = pooled.driver_connection
            try:
                yield driver
            except self.engine.dialect.loaded_dbapi.Error as error:
                lost = self.engine.dialect.is_disconnect(error, driver, None)
                if lost:
                    pooled.invalidate(error)
                raise exc.DBAPIError.instance(
                    "(a hand-written write transaction)",
                    None,
                    error,
                    self.engine.dialect.loaded_dbapi.Error,
                    connection_invalidated=lost,
                    dialect=self.engine.dialect,
                ) from error
            finally:
                hand_back(pooled, driver, self._kept if lent is not None else None)

    @contextmanager
    def probe_write(self) -> Iterator[Session]:
        """A write transaction that is always rolled back (checks that writes get through)."""
        with self._deadline(), guard(), self._write() as session:
            transaction = session.begin()
            try:
                yield session
            finally:
                transaction.rollback()

    @contextmanager
    def _deadline(self) -> Iterator[None]:
        """The transaction's deadline; DatabaseTimeout when it ran out (or had already)."""
        if self.closed:
            raise StorageUnavailable("the storage was closed")
        budget = self.settings.timeout_seconds
        with deadline.transaction(budget, GRACE_SECONDS) as current:
            remaining = current.remaining()
            if remaining is not None and remaining <= 0:
                raise DatabaseTimeout(budget, "the request's time for the database is up")
            try:
                yield
            except (StorageUnavailable, exc.SQLAlchemyError) as error:
                timeout = self._timeout(error, current)
                if timeout is None:
                    raise
                deadline.give_up_request()  # later transactions of this request fail at once
                if timeout is error:
                    raise
                raise timeout from error

    def _timeout(self, error: Exception, current: deadline.Transaction) -> DatabaseTimeout | None:
        """The error as a DatabaseTimeout when the database did not answer in time, else None."""
        if isinstance(error, DatabaseTimeout):
            return error
        if current.expired:
            return DatabaseTimeout(current.budget)
        if "timeout expired" in str(error):  # libpq's connect_timeout
            seconds = self.settings.connect_timeout_seconds
            return DatabaseTimeout(seconds, f"no connection within {seconds:g} s")
        return None

    def dispose(self) -> None:
        """Refuse new transactions, let those under way end, close every connection.

        A thread still at work (a job a test or a stopping server leaves behind) would
        otherwise check a connection out of a new pool that nobody closes, or return one
        to the pool just closed: both left open for the garbage collector.
        """
        self.closed = True
        self._kept.release()  # once the append that has it (if any) is over
        ends = time.monotonic() + self.settings.timeout_seconds + GRACE_SECONDS
        while _checked_out(self.engine) and time.monotonic() < ends:
            time.sleep(DRAIN_POLL_SECONDS)
        self.engine.dispose()


def _checked_out(engine: Engine) -> int:
    """Connections of the engine's pool in use now (0 for a pool that does not count them)."""
    count = getattr(engine.pool, "checkedout", None)
    return int(count()) if callable(count) else 0


@contextmanager
def guard() -> Iterator[None]:
    """Turn 'cannot reach the database' errors into StorageUnavailable."""
    try:
        yield
    except exc.SQLAlchemyError as error:
        if is_unavailable(error):
            raise StorageUnavailable(
                f"the database is unavailable: {_first_line(error)}"
            ) from error
        raise


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__
