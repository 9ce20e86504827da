"""Throw-away databases for tests: a fresh SQLite file, or a fresh PostgreSQL schema.

Test suites (integration and API) use this so every test starts from an empty,
migrated database and leaves nothing behind; running the suite twice works.
A PostgreSQL server that cannot be reached is an error here, never a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, text

from eligibility.storage.sql.engine import normalise_url
from eligibility.storage.sql.settings import DatabaseSettings

DEFAULT_TEST_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")
# For tests of what concurrent writers leave behind, not of how long they wait: a shared
# CI machine that stalls for a few seconds must not turn a wait into a failure.
FUNCTIONAL_DEADLINES = DatabaseSettings(timeout_seconds=15.0, pool_timeout_seconds=15.0)


def postgres_base_url() -> str:
    """The PostgreSQL database tests create their schemas in ($TEST_DATABASE_URL)."""
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_TEST_POSTGRES


@contextmanager
def temporary_database(backend: str, directory: Path) -> Iterator[str]:
    """The URL of an empty database on `backend`, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'eligibility-test.db'}"
    elif backend == "postgresql":
        with _postgres_schema(postgres_base_url()) as url:
            yield url
    else:
        raise ValueError(f"unknown backend '{backend}'; one of {', '.join(BACKENDS)}")


@contextmanager
def _postgres_schema(base_url: str) -> Iterator[str]:
    base = normalise_url(base_url)
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        scoped = base.update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def bypassing_append_only(engine: Engine) -> Iterator[Connection]:
    """A transaction in which the append-only triggers are off, as the tables' owner could do.

    Tests use it to play a database writer who edits decisions behind the service's back;
    the triggers are on again when the transaction ends.
    """
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            for table in ("decisions", "chain_head"):
                connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
            yield connection
            for table in ("decisions", "chain_head"):
                connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
            return
        triggers = connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        ).all()
        for name, _ in triggers:
            connection.execute(text(f'DROP TRIGGER "{name}"'))
        yield connection
        for _, sql in triggers:
            connection.execute(text(sql))
