"""What a PostgreSQL pool checks when it lends a connection: its deadline, a ping, its age.

Checked in the checkout event (not `pool_pre_ping`) so that a ping runs under the
transaction's deadline; the connection kept for the appends (kept.py) is checked the
same way (`before_use`).
"""

from __future__ import annotations

import select
import time
from typing import Any

from sqlalchemy import Engine, event, exc

from eligibility.errors import DatabaseTimeout
from eligibility.storage.sql import deadline

# A pooled connection returned less than this ago is used without a ping (see _doubtful).
TRUSTED_IDLE_SECONDS = 1.0


def watch_checkouts(engine: Engine) -> None:
    """Have `engine`'s pool check each connection it lends (`before_use`)."""
    generation = Generation()
    event.listen(engine, "connect", generation.stamp)
    event.listen(engine, "checkout", _checked_out)
    event.listen(engine, "checkin", _checked_in)


class Generation:
    """When one of an engine's connections last went silent: those opened before are dropped.

    A connection whose transaction outlived its deadline met a server or network that
    answered nothing (the server's own timeouts would have spoken first). The pool's
    other connections opened before then most likely lead into the same silence (a
    partition, a firewall that forgot them), and a ping to each would cost another
    request its whole budget; so, as SQLAlchemy does with a disconnect, they are replaced
    when next checked out. A new connection costs a few milliseconds.
    """

    def __init__(self) -> None:
        self.silent_at = float("-inf")

    def stamp(self, dbapi_connection: Any, record: Any) -> None:
        """A new connection: born now, of this engine's generation (the pool's connect event)."""
        record.info["born"] = time.monotonic()
        record.info["generation"] = self

    def current(self, info: dict[str, Any]) -> bool:
        """Whether the connection was opened after the last one went silent."""
        return bool(info.get("born", 0.0) > self.silent_at)

    def silenced(self, dbapi_connection: Any) -> None:
        """The connection outlived its deadline: shut it, and distrust those opened before."""
        self.silent_at = time.monotonic()
        _shut(dbapi_connection)


def _checked_out(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    before_use(dbapi_connection, record.info)


def before_use(dbapi_connection: Any, info: dict[str, Any]) -> None:
    """Watch the connection under this transaction's deadline; ping it if in doubt.

    DisconnectionError when the ping fails or the connection is older than the last one
    that went silent (the pool, or its user, takes another one).
    """
    generation: Generation | None = info.get("generation")
    if generation is not None and not generation.current(info):
        raise exc.DisconnectionError("opened before another connection went silent")
    current = deadline.watch(dbapi_connection, generation.silenced if generation else _shut)
    if current is not None and current.expired:
        raise DatabaseTimeout(current.budget)
    if _doubtful(dbapi_connection, info):
        try:
            _ping(dbapi_connection)
        except Exception as error:
            if current is not None and current.expired:
                raise DatabaseTimeout(current.budget) from error
            raise exc.DisconnectionError(str(error)) from error  # the pool reconnects


def _checked_in(dbapi_connection: Any, record: Any) -> None:
    record.info["returned"] = time.monotonic()


def _doubtful(dbapi_connection: Any, info: dict[str, Any]) -> bool:
    """Whether a pooled connection needs a ping before use.

    Not one just made, nor one returned a moment ago whose socket has nothing to
    read: a server that closed it (a restart, a terminated backend, a proxy cut)
    leaves its end of the connection readable. One left idle longer is pinged (a
    peer gone without a word shows only when written to). A connection lost some
    other way fails its transaction, which the pool then replaces.
    """
    returned = info.get("returned")
    if returned is None:
        return False
    if time.monotonic() - returned > TRUSTED_IDLE_SECONDS:
        return True
    try:
        fileno = dbapi_connection.pgconn.socket
    except Exception:  # closed: the ping fails and the pool reconnects
        return True
    poller = select.poll()
    poller.register(fileno, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def _ping(dbapi_connection: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SELECT 1")
    finally:
        cursor.close()


def _shut(dbapi_connection: Any) -> None:
    try:
        fileno = dbapi_connection.pgconn.socket
    except Exception:  # closed meanwhile: nothing waits on it
        return
    deadline.shut_socket(fileno)
