"""Alembic migrations: the schema they build is the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import inspect

from eligibility.cli import main
from eligibility.storage.migrate import current, upgrade
from eligibility.storage.sql.engine import Database
from eligibility.storage.sql.models import Base


def test_upgrade_builds_the_models_schema(database_url: str) -> None:
    assert current(database_url) is None
    upgrade(database_url)
    database = Database(database_url)
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert set(inspect(connection).get_table_names()) >= set(Base.metadata.tables)
    database.dispose()
    assert current(database_url) == "0001"


def test_upgrade_twice_changes_nothing(migrated_url: str) -> None:
    upgrade(migrated_url)
    assert current(migrated_url) == "0001"


def test_cli_db_upgrade(database_url: str) -> None:
    result = CliRunner().invoke(main, ["db", "upgrade", "--database-url", database_url])
    assert result.exit_code == 0, result.output
    assert "database at revision 0001" in result.output
    assert current(database_url) == "0001"
