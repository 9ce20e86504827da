"""A write transaction's statements straight through libpq (the group commit's appends).

psycopg's cursor and transaction layers (its BEGIN sent as a round trip of its own, the
query converted and its parameters adapted on each call, its prepared-statement cache)
cost a writer more client CPU than its own work. Here BEGIN and a statement the
connection holds prepared go in one round trip (libpq's pipeline mode, one sync), and
COMMIT in another: the caller checks the statement's result before it commits, and a
statement that the network held back until its client gave up is never committed (the
commit is only sent after its result was read).

Errors are psycopg's own, as its cursor raises them: the server's error from its result
(`psycopg.errors`, e.g. UniqueViolation), OperationalError when the connection fails (a
deadline shut its socket, the server ended it), so the caller maps them as before. A
statement the server no longer holds (DEALLOCATE ALL on the connection) is prepared
again and the transaction run again, once.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from psycopg import errors, generators, pq, waiting

INTERVAL = 0.1  # psycopg's own wait interval (the socket is polled, not spun on)
_FAILED = pq.ExecStatus.FATAL_ERROR
_SYNC = pq.ExecStatus.PIPELINE_SYNC
_DONE = (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK)


class Prepared:
    """A statement prepared once per connection under one name, run in a transaction."""

    def __init__(self, name: str, statement: str) -> None:
        self.name = name.encode()
        self.statement = statement.encode()
        self._holding: weakref.WeakSet[Any] = weakref.WeakSet()  # connections that hold it

    def begin_and_run(
        self, driver: psycopg.Connection[Any], params: Sequence[bytes], formats: Sequence[int]
    ) -> Any:
        """BEGIN, then the statement with these parameters: its result (a PGresult).

        Each parameter is in its format (0 text, 1 binary). The transaction stays open
        for the caller to commit (`command(driver, b"COMMIT")`) or roll back.
        """
        try:
            return self._run(driver, params, formats)
        except errors.InvalidSqlStatementName:  # deallocated behind our back: once more
            self._holding.discard(driver)
            command(driver, b"ROLLBACK")
            return self._run(driver, params, formats)

    def _run(
        self, driver: psycopg.Connection[Any], params: Sequence[bytes], formats: Sequence[int]
    ) -> Any:
        pgconn = driver.pgconn
        preparing = driver not in self._holding
        results = _pipelined(pgconn, lambda: self._send(pgconn, params, formats, preparing))
        failed = next((r for r in results if r.status == _FAILED), None)
        if failed is not None:
            raise errors.error_from_result(failed, encoding=driver.info.encoding)
        if preparing:
            self._holding.add(driver)
        return results[-1]

    def _send(
        self, pgconn: Any, params: Sequence[bytes], formats: Sequence[int], preparing: bool
    ) -> int:
        """Queue the commands (in pipeline mode); how many there are."""
        if preparing:
            pgconn.send_prepare(self.name, self.statement)
        pgconn.send_query_params(b"BEGIN", None)
        pgconn.send_query_prepared(self.name, list(params), list(formats))
        return 3 if preparing else 2


def _pipelined(pgconn: Any, queue: Callable[[], int]) -> list[Any]:
    """Enter pipeline mode, queue the commands (`queue()`), sync, send: each one's last result.

    A command after a failed one comes back aborted; the failed one's result is kept.
    """
    pgconn.enter_pipeline_mode()
    try:
        count = queue()
        pgconn.pipeline_sync()
        socket = pgconn.socket
        waiting.wait(generators.send(pgconn), socket, interval=INTERVAL)
        results = []
        for _ in range(count):
            got = waiting.wait(generators.fetch_many(pgconn), socket, interval=INTERVAL)
            results.append(got[-1])
        synced = waiting.wait(generators.fetch(pgconn), socket, interval=INTERVAL)
        if synced is None or synced.status != _SYNC:
            raise errors.InternalError("the pipeline's results did not end with its sync")
    except BaseException:
        with contextlib.suppress(psycopg.Error):
            pgconn.exit_pipeline_mode()
        raise
    pgconn.exit_pipeline_mode()
    return results


def command(driver: psycopg.Connection[Any], sql: bytes) -> None:
    """One command (COMMIT, ROLLBACK) in a round trip of its own; the server's error raised."""
    pgconn = driver.pgconn
    pgconn.send_query(sql)
    results = waiting.wait(generators.execute(pgconn), pgconn.socket, interval=INTERVAL)
    for result in results:
        if result.status == _FAILED:
            raise errors.error_from_result(result, encoding=driver.info.encoding)
        if result.status not in _DONE:
            raise errors.InterfaceError(f"unexpected result {result.status} from {sql!r}")


def rows(result: Any) -> list[tuple[Any, ...]]:
    """The result's rows, each value as its text (bytes; None for NULL)."""
    width = result.nfields
    return [
        tuple(result.get_value(row, col) for col in range(width)) for row in range(result.ntuples)
    ]
