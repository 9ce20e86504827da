"""Alembic migrations: the schema they build is the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import inspect, text

from cli import main
from eligibility import services
from eligibility.storage import database_url
from eligibility.storage.migrate import current, head_revision, upgrade
from eligibility.storage.sql import SqlStorage
from eligibility.storage.sql.engine import Database, normalise_url
from eligibility.storage.sql.models import Base

from .helpers import FISHING, decide


def test_upgrade_builds_the_models_schema(database_url: str) -> None:
    assert current(database_url) is None
    upgrade(database_url)
    database = Database(database_url)
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert set(inspect(connection).get_table_names()) >= set(Base.metadata.tables)
    database.dispose()
    assert current(database_url) == head_revision()


def test_upgrade_twice_changes_nothing(migrated_url: str) -> None:
    upgrade(migrated_url)
    assert current(migrated_url) == head_revision()


def test_cli_db_upgrade(database_url: str) -> None:
    result = CliRunner().invoke(main, ["db", "upgrade", "--database-url", database_url])
    assert result.exit_code == 0, result.output
    assert f"database at revision {head_revision()}" in result.output
    assert current(database_url) == head_revision()


def test_the_default_database_is_sqlite_under_instance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url() == "sqlite:///instance/eligibility.db"
    upgrade(database_url())
    assert (tmp_path / "instance" / "eligibility.db").is_file()
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/x")
    assert database_url() == "postgresql://db/x" and database_url("sqlite://") == "sqlite://"
    assert normalise_url("postgres://u@h/d").drivername == "postgresql+psycopg"


def test_decisions_compress_their_documents_with_lz4_on_postgresql(postgres_url: str) -> None:
    """New rows' large JSON columns are lz4 (0009); a record reads and verifies as before."""
    database = Database(postgres_url)
    query = text(
        "SELECT attname, attcompression FROM pg_attribute"
        " WHERE attrelid = CAST('decisions' AS regclass) AND attname IN"
        " ('answers', 'goals', 'reasons', 'trace', 'field_digests', 'ignored_answers')"
    )
    with database.engine.connect() as connection:
        found = {name: method for name, method in connection.execute(query)}
    database.dispose()
    lz4 = {"answers", "goals", "reasons", "trace", "field_digests"}
    assert found == {**{name: "l" for name in lz4}, "ignored_answers": ""}
    store = SqlStorage(postgres_url)
    services.sync_rule_files(store, [FISHING])
    made = decide(store, {"age": 70, "resident": True})
    assert services.get_decision(store, made.id) == made
    assert services.verify_audit_chain(store).ok
    store.close()
