"""Client-side deadlines: a transaction that outlives its deadline has its socket shut.

A silent network (a partition, a dropped route) answers nothing, so no server timeout
helps the client that waits, and keepalives take seconds at best. The watchdog (one
thread per process) shuts the socket of a connection whose transaction passed its
deadline; psycopg then fails at once (the connection is lost), the pool replaces it,
and the caller gets StorageUnavailable. A request may also set an overall deadline for
its database work (`request_deadline`), which cuts every transaction short.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any

POLL_SECONDS = 0.05
_request: ContextVar[float | None] = ContextVar("database_request_deadline", default=None)
_transaction: ContextVar[Transaction | None] = ContextVar("database_transaction", default=None)


def start_request(seconds: float) -> Token[float | None]:
    """Database work in this context must end `seconds` from now (0: no deadline)."""
    return _request.set(time.monotonic() + seconds if seconds > 0 else None)


def end_request(token: Token[float | None]) -> None:
    """Lift the deadline `start_request` set."""
    try:
        _request.reset(token)
    except ValueError:  # set in another context (a copied one): it ends with that context
        pass


def give_up_request() -> None:
    """The database did not answer in time: the rest of this request's work fails at once.

    A request whose first transaction timed out would otherwise wait the whole budget
    again in each later one (a version looked up, then the append), answering 503 only
    after several budgets.
    """
    if _request.get() is not None:
        _request.set(time.monotonic())


@contextmanager
def request_deadline(seconds: float) -> Iterator[None]:
    """Database work inside ends by `seconds` from now."""
    token = start_request(seconds)
    try:
        yield
    finally:
        end_request(token)


@dataclass
class Transaction:
    """One transaction's deadline (monotonic), its connections, and whether it ran out."""

    deadline: float | None
    budget: float
    connections: list[Any] = field(default_factory=list)
    expired: bool = False

    def remaining(self) -> float | None:
        """Seconds left (None: no deadline)."""
        return None if self.deadline is None else self.deadline - time.monotonic()


@contextmanager
def transaction(budget: float, grace: float = 0.0) -> Iterator[Transaction]:
    """A transaction's deadline: `budget` (+ `grace`) from now (0: none), cut by the request's."""
    ends = [time.monotonic() + budget + grace] if budget > 0 else []
    request = _request.get()
    if request is not None:
        ends.append(request)
    current = Transaction(min(ends) if ends else None, budget)
    token = _transaction.set(current)
    try:
        yield current
    finally:
        _transaction.reset(token)
        for connection in current.connections:
            WATCHDOG.unwatch(connection)


def current_transaction() -> Transaction | None:
    """The transaction this context runs, if one has a deadline."""
    return _transaction.get()


def watch(connection: Any, kill: Callable[[Any], None]) -> Transaction | None:
    """Have `kill(connection)` run if the current transaction outlives its deadline."""
    current = _transaction.get()
    if current is None or current.deadline is None:
        return current
    current.connections.append(connection)

    def expire() -> None:
        current.expired = True
        kill(connection)

    WATCHDOG.watch(connection, current.deadline, expire)
    return current


def shut_socket(fileno: int) -> None:
    """Shut a socket down both ways (the owner's next wait fails at once), by its descriptor."""
    try:
        with socket.socket(fileno=os.dup(fileno)) as duplicate:
            duplicate.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: nothing to wake


class Watchdog:
    """Runs each watched action once its deadline passes, from one daemon thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watched: dict[int, tuple[float, Callable[[], None]]] = {}
        self._thread: threading.Thread | None = None
        self._pid = 0

    def watch(self, key: object, deadline: float, action: Callable[[], None]) -> None:
        """Run `action` at `deadline` unless `unwatch(key)` comes first."""
        with self._lock:
            self._watched[id(key)] = (deadline, action)
            if self._thread is None or self._pid != os.getpid():  # none yet, or forked
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, daemon=True, name="db-deadline")
                self._thread.start()

    def unwatch(self, key: object) -> None:
        """Forget `key`'s action."""
        with self._lock:
            self._watched.pop(id(key), None)

    def _run(self) -> None:
        while True:
            time.sleep(POLL_SECONDS)
            now = time.monotonic()
            with self._lock:
                due = [k for k, (deadline, _) in self._watched.items() if deadline <= now]
                actions = [self._watched.pop(k)[1] for k in due]
            for action in actions:
                action()


WATCHDOG = Watchdog()
