"""A pooled connection kept between one writer's transactions (the group commit's batches).

Checking a connection out of SQLAlchemy's pool and handing it back around each batch
costs the writer about as much client CPU as the batch's statement. A process's group
commit writes one batch at a time, so it keeps one pooled connection and checks before
each transaction what the pool's checkout checks (`engine.before_use`): the
transaction's deadline watches it, and one idle for a while or whose socket is readable
(a server that ended it) is pinged. One that fails its ping, or is lost or invalidated
in a transaction, goes back to the pool (which discards it) and the next transaction
checks out another. A second writer while the kept one is in use gets one from the pool
as before; a process forked with one kept leaves it to its parent.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

from psycopg.pq import TransactionStatus
from sqlalchemy import Engine, exc

IDLE = TransactionStatus.IDLE


class KeptConnection:
    """One pooled connection lent to one transaction at a time, kept in between."""

    def __init__(self, engine: Engine, before_use: Callable[[Any, dict[str, Any]], None]) -> None:
        self._engine = engine
        self._before_use = before_use  # what the pool's checkout checks (engine.before_use)
        self._pooled: Any = None
        self._pid = 0
        self._busy = threading.Lock()

    def lend(self) -> Any:
        """The kept connection checked for use (or a fresh one); None while it is lent."""
        if not self._busy.acquire(blocking=False):
            return None
        try:
            return self._checked()
        except BaseException:
            self._busy.release()
            raise

    def _checked(self) -> Any:
        pooled = self._pooled
        if pooled is not None and (self._pid != os.getpid() or not pooled.is_valid):
            self._forget()
        elif pooled is not None:
            try:
                self._before_use(pooled.driver_connection, pooled.info)
                return pooled
            except exc.DisconnectionError as error:  # ended by the server: another one
                pooled.invalidate(error)
                self._forget()
        self._pooled, self._pid = self._engine.raw_connection(), os.getpid()
        return self._pooled

    def returned(self, pooled: Any) -> None:
        """The transaction is over (nothing left open): kept, unless it was lost."""
        try:
            if pooled is not self._pooled or not pooled.is_valid:
                self._forget()
            else:
                pooled.info["returned"] = time.monotonic()  # its idle time counts from now
        finally:
            self._busy.release()

    def release(self) -> None:
        """Hand the kept connection back to the pool (closing the pool closes it)."""
        with self._busy:
            self._forget()

    def _forget(self) -> None:
        pooled, self._pooled = self._pooled, None
        if pooled is not None and self._pid == os.getpid():
            pooled.close()  # back to the pool, which discards an invalidated one


def hand_back(pooled: Any, driver: Any, kept: KeptConnection | None) -> None:
    """After a raw transaction: nothing left open, then back to the pool or kept."""
    try:
        if not pooled.is_valid:  # invalidated already (its connection was lost)
            pass
        elif driver.closed or driver.broken:
            pooled.invalidate()
        elif driver.pgconn.transaction_status != IDLE:  # the caller did not commit
            driver.rollback()
    except Exception as error:  # its connection failed meanwhile: not used again
        pooled.invalidate(error)
    finally:
        if kept is not None:
            kept.returned(pooled)
        else:
            pooled.close()
