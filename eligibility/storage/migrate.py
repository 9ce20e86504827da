"""Alembic migrations shipped inside the package: `eligibility db upgrade` runs them."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from eligibility.storage.sql.engine import Database, guard

SCRIPT_LOCATION = "eligibility.storage:migrations"
# Any fixed number: PostgreSQL processes migrating at once take turns on this lock.
MIGRATION_LOCK = 7_215_334_112


def alembic_config() -> Config:
    """An alembic configuration pointing at the packaged migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at `url` to `revision`; StorageUnavailable if it cannot be reached."""
    database = Database(url)
    try:
        with guard(), database.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        database.dispose()


def current(url: str) -> str | None:
    """The revision the database is at (None before the first migration)."""
    from alembic.runtime.migration import MigrationContext

    database = Database(url)
    try:
        with guard(), database.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        database.dispose()
