"""How long the service waits for PostgreSQL: timeouts, keepalives, pool (DB_* variables).

A database that refuses, stops or goes silent must cost a request about
`timeout` seconds (then StorageUnavailable: 503), never a worker. The server
ends statements, lock waits and transactions whose client went silent (so a
cut connection cannot hold the chain head's lock), libpq notices a dead peer
(keepalives, `tcp_user_timeout`), and the client gives up on a transaction
that outlives its deadline (`eligibility.storage.sql.deadline`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

ENV_PREFIX = "DB_"


@dataclass(frozen=True)
class DatabaseSettings:
    """Timeouts in seconds; 0 turns one off. Environment: DB_<NAME upper-cased>."""

    # One transaction's budget: the client gives up after it (plus a grace to let the
    # server's own error win), and the server's statement_timeout and lock_timeout.
    timeout_seconds: float = 2.0
    # The server ends a transaction left idle this long (its client cut off), freeing locks.
    idle_in_transaction_seconds: float = 3.0
    connect_timeout_seconds: float = 2.0  # libpq counts whole seconds, at least 2
    keepalives_idle_seconds: float = 10.0
    keepalives_interval_seconds: float = 2.0
    keepalives_count: int = 3
    tcp_user_timeout_seconds: float = 5.0  # unacknowledged data for this long: the peer is gone
    pool_timeout_seconds: float = 2.0  # waiting for a pooled connection
    # An API key found is remembered this long per process (a revocation made elsewhere
    # is refused here within it); 0: every request looks its key up.
    key_cache_seconds: float = 1.0
    # Under load a process's group commit waits this long for more appends to join its
    # batch (see group_commit.py); 0: it never waits. Each transaction costs the worker
    # and PostgreSQL ~0.8 ms of CPU however many decisions it carries, so a longer wait
    # (more decisions per commit) buys CPU with a few ms of latency under load.
    append_linger_seconds: float = 0.006
    # A batch worker's transactions (a page of decisions with their traces, a partition's
    # result rows) on a cluster whose cores are busy: the request budget would fail whole
    # partitions of a long job that nobody is waiting on interactively.
    batch_timeout_seconds: float = 60.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DatabaseSettings:
        """Settings from DB_TIMEOUT_SECONDS, DB_IDLE_IN_TRANSACTION_SECONDS, … (defaults else)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for item in fields(cls):
            text = env.get(ENV_PREFIX + item.name.upper(), "").strip()
            if text:
                number = float(text)
                if number < 0:
                    raise ValueError(f"{ENV_PREFIX + item.name.upper()} must be 0 or more")
                values[item.name] = int(number) if item.type == "int" else number
        return cls(**values)

    @classmethod
    def unlimited(cls) -> DatabaseSettings:
        """No statement, lock or client deadline (migrations and administration)."""
        return cls(timeout_seconds=0, idle_in_transaction_seconds=0)

    def for_batch(self) -> DatabaseSettings:
        """The same settings with the batch budget as every transaction's (0 stays off)."""
        if self.timeout_seconds == 0:
            return self
        return replace(self, timeout_seconds=self.batch_timeout_seconds)

    def server_options(self) -> str:
        """libpq `options`: the server-side timeouts of every session of this pool."""
        timeouts = {
            "statement_timeout": self.timeout_seconds,
            "lock_timeout": self.timeout_seconds,
            "idle_in_transaction_session_timeout": self.idle_in_transaction_seconds,
        }
        return " ".join(f"-c {name}={round(value * 1000)}" for name, value in timeouts.items())

    def connect_args(self) -> dict[str, Any]:
        """psycopg connection arguments: timeouts, keepalives and the server options."""
        return {
            "connect_timeout": max(2, round(self.connect_timeout_seconds)),
            "keepalives": 1,
            "keepalives_idle": max(1, round(self.keepalives_idle_seconds)),
            "keepalives_interval": max(1, round(self.keepalives_interval_seconds)),
            "keepalives_count": max(1, self.keepalives_count),
            "tcp_user_timeout": round(self.tcp_user_timeout_seconds * 1000),
            "options": self.server_options(),
        }
