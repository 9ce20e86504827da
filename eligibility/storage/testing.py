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

from sqlalchemy import create_engine, text

from eligibility.storage.sql.engine import normalise_url

DEFAULT_TEST_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")


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
