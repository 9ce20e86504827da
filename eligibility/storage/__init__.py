"""Storage adapters behind the ports: SQLAlchemy (SQLite, PostgreSQL) and in-memory fakes."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from eligibility.ports import Storage

DEFAULT_DATABASE_URL = "sqlite:///instance/eligibility.db"


def database_url(url: str | None = None) -> str:
    """The database to use: `url`, else $DATABASE_URL, else SQLite under instance/."""
    return url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def open_storage(url: str | None = None) -> Storage:
    """SQL storage on `database_url(url)` (no connection is made until first use)."""
    from eligibility.storage.sql import SqlStorage

    return SqlStorage(database_url(url))


def for_batch(store: Storage) -> Storage:
    """`store` as a batch job's parent uses it: its database and clock, each transaction with
    `DB_BATCH_TIMEOUT_SECONDS` (a new pool: close it after the job); other storage as it is."""
    from eligibility.storage.sql import SqlStorage

    if not isinstance(store, SqlStorage):
        return store
    return SqlStorage(store.url, store.clock, store.db.settings.for_batch())


def storage_url(store: Storage) -> str | None:
    """The URL other processes open `store` with; None for storage only this process has."""
    url = getattr(store, "url", None)
    return url if isinstance(url, str) else None


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Database work inside must end within `seconds` (a request's budget; 0: none).

    A transaction that would run past it fails with DatabaseTimeout (the API: 503).
    """
    from eligibility.storage.sql.deadline import request_deadline

    with request_deadline(seconds):
        yield


@functools.cache
def request_deadlines() -> tuple[Callable[[float], Any], Callable[[Any], None]]:
    """`deadline` as two calls, open (giving a token) and lift: for a request's hooks."""
    from eligibility.storage.sql.deadline import end_request, start_request

    return start_request, end_request


def memory_storage() -> Storage:
    """In-memory storage for unit tests."""
    from eligibility.storage.memory import MemoryStorage

    return MemoryStorage()


__all__ = [
    "DEFAULT_DATABASE_URL",
    "database_url",
    "deadline",
    "for_batch",
    "memory_storage",
    "open_storage",
    "request_deadlines",
    "storage_url",
]
