"""Integration fixtures: every storage test runs on SQLite and on PostgreSQL.

PostgreSQL is never skipped: if the server ($TEST_DATABASE_URL, default
postgres@127.0.0.1:5432/test) cannot be reached, the tests fail. Each test gets
its own SQLite file or PostgreSQL schema, migrated with alembic, and drops it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from eligibility.ports import Storage
from eligibility.storage.migrate import upgrade
from eligibility.storage.sql import SqlStorage
from eligibility.storage.testing import BACKENDS, FUNCTIONAL_DEADLINES, temporary_database

from .helpers import FISHING


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database: a temp SQLite file, or a fresh PostgreSQL schema."""
    with temporary_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def migrated_url(database_url: str) -> str:
    """The database, migrated to the latest schema."""
    upgrade(database_url)
    return database_url


@pytest.fixture
def store(migrated_url: str) -> Iterator[SqlStorage]:
    """SQL storage on a migrated, empty database (deadlines: a stalled CI machine's, not 2 s)."""
    storage = SqlStorage(migrated_url, settings=FUNCTIONAL_DEADLINES)
    yield storage
    storage.close()


@pytest.fixture
def fishing_store(store: Storage) -> Storage:
    """Storage holding the published fishing-licence 2024-01-01 version."""
    from eligibility import services

    services.sync_rule_files(store, [FISHING])
    return store


@pytest.fixture(scope="module")
def fishing_versions() -> Storage:
    """In memory: the fishing licence 2024 (published) and 2025 (a draft: lower income limit)."""
    from eligibility import services
    from eligibility.storage import memory_storage

    from .test_versions_storage import NEXT_YEAR

    store = memory_storage()
    services.sync_rule_files(store, [FISHING])
    services.create_draft(store, NEXT_YEAR, "author-1")
    return store


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    """A migrated PostgreSQL schema (for PostgreSQL-only behaviour: network outages)."""
    with temporary_database("postgresql", tmp_path) as url:
        upgrade(url)
        yield url
