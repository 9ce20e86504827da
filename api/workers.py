"""The gunicorn worker of `eligibility serve`: threads, and a deadline for reading a request.

gunicorn's gthread worker keeps idle connections in a poller (they hold no thread),
but once a client has sent a byte, a thread reads the request with a blocking socket
and no time limit: a client that trickles its headers holds that thread for good.
Here each request must arrive (headers and body) within `read_timeout` seconds of
its first read; a slower one is dropped and logged on one line. A dropped connection
is closed at once: gunicorn closes it "gracefully", in the worker's main loop, reading
until the client closes or 2 s pass, and a client that trickles never closes, so every
connection of that worker would wait those 2 s.
"""

from __future__ import annotations

import errno
import logging
import socket
import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

log = logging.getLogger("api.server")
DEFAULT_READ_TIMEOUT = 15.0
DROPPED = float("-inf")  # the deadline of a connection dropped as too slow: it stays passed


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


class TimedThreadWorker(ThreadWorker):  # type: ignore[misc]  # gunicorn ships no type hints
    """gthread with a per-request read deadline (see the module's docstring)."""

    def handle(self, conn: Any) -> Any:
        """Give the connection's socket its deadline, then handle it as gthread does."""
        if type(conn.sock) is socket.socket:
            conn.sock.__class__ = _Deadline
        return super().handle(conn)


def set_read_timeout(seconds: float) -> None:
    """Set the deadline for the workers forked after this call."""
    _Deadline.read_timeout = seconds
