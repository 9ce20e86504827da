"""The gunicorn worker of `eligibility serve`: threads, and a deadline for reading a request.

gunicorn's gthread worker keeps idle connections in a poller (they hold no thread),
but once a client has sent a byte, a thread reads the request with a blocking socket
and no time limit: a client that trickles its headers holds that thread for good.
Here each request must arrive (headers and body) within `read_timeout` seconds of
its first read; a slower one is dropped and logged on one line.

gunicorn closes a connection it answered with "Connection: close" gracefully (RFC 9112
§9.6): it shuts its side, then reads until the client closes or 2 s pass — in the worker's
main loop, so a client that never closes stalls every connection of that worker for 2 s.
Here that lingering close runs in a few closer threads instead, and a dropped connection
is closed at once (a client that trickles never closes).
"""

from __future__ import annotations

import errno
import logging
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from gunicorn.workers.gthread import TConn, ThreadWorker

log = logging.getLogger("api.server")
DEFAULT_READ_TIMEOUT = 15.0
DROPPED = float("-inf")  # the deadline of a connection dropped as too slow: it stays passed
LINGERING_CLOSERS = 4  # threads a worker lends to closes that wait for the client


class _Deadline(socket.socket):
    """A client socket whose blocking reads share one deadline, set when a request starts."""

    __slots__ = ()
    read_timeout = DEFAULT_READ_TIMEOUT
    deadlines: dict[int, float] = {}  # by fileno: socket objects of C layout take no attributes

    def setblocking(self, flag: bool) -> None:
        """Blocking mode starts a request (gthread's `handle`): its read deadline starts now."""
        if flag:
            if self.deadlines.get(self.fileno()) == DROPPED:  # closing: no new request
                return
            self.deadlines[self.fileno()] = time.monotonic() + self.read_timeout
            self.settimeout(self.read_timeout)
        else:
            super().setblocking(False)

    def recv(self, size: int, flags: int = 0) -> bytes:
        """Read, or raise ECONNRESET once the request's deadline has passed."""
        deadline = self.deadlines.get(self.fileno())
        if deadline == DROPPED:  # a graceful close's drain: over at once
            raise ConnectionResetError(errno.ECONNRESET, "dropped: request not received in time")
        before = self.gettimeout()
        if deadline is None or before is None:
            return super().recv(size, flags)
        left = deadline - time.monotonic()
        if left <= 0:
            raise _too_slow(self)
        self.settimeout(min(left, before))  # a caller's shorter timeout (a drain) still holds
        try:
            return super().recv(size, flags)
        except TimeoutError:
            if left > before:
                raise  # the caller's own timeout, not the deadline
            raise _too_slow(self) from None
        finally:
            self.settimeout(before)

    def close(self) -> None:
        """Forget the deadline with the socket."""
        if self.fileno() >= 0:
            self.deadlines.pop(self.fileno(), None)
        super().close()


def _too_slow(sock: _Deadline) -> ConnectionResetError:
    log.warning("closed a connection that sent no whole request in %ss", sock.read_timeout)
    sock.deadlines[sock.fileno()] = DROPPED
    return ConnectionResetError(errno.ECONNRESET, "request not received in time")


class _ClosedAside(TConn):  # type: ignore[misc]  # gunicorn ships no type hints
    """A connection whose graceful close lingers in a closer thread, not the main loop."""

    closers: ThreadPoolExecutor | None = None  # made in the worker, after the fork

    def close(self, graceful: bool = False) -> None:
        """Close now, or (gracefully) in a closer thread, waiting for the client there."""
        if not graceful or self.sock.deadlines.get(self.sock.fileno()) == DROPPED:
            super().close()
            return
        if _ClosedAside.closers is None:
            _ClosedAside.closers = ThreadPoolExecutor(LINGERING_CLOSERS, "lingering-close")
        _ClosedAside.closers.submit(super().close, True)


class TimedThreadWorker(ThreadWorker):  # type: ignore[misc]  # gunicorn ships no type hints
    """gthread with a per-request read deadline, closes off the main loop (module docstring)."""

    def handle(self, conn: Any) -> Any:
        """Give the connection's socket its deadline, then handle it as gthread does."""
        if type(conn.sock) is socket.socket:  # a plain socket (TLS ones are left as they are)
            conn.sock.__class__ = _Deadline
            if type(conn) is TConn:
                conn.__class__ = _ClosedAside
        return super().handle(conn)


def set_read_timeout(seconds: float) -> None:
    """Set the deadline for the workers forked after this call."""
    _Deadline.read_timeout = seconds
