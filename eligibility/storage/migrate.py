"""Alembic migrations shipped inside the package: `eligibility db upgrade` runs them."""

from __future__ import annotations

import os

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from eligibility.storage.sql.engine import Database, guard
from eligibility.storage.sql.settings import DatabaseSettings

SCRIPT_LOCATION = "eligibility.storage:migrations"
# Any fixed number: PostgreSQL processes migrating at once take turns on this lock.
MIGRATION_LOCK = 7_215_334_112


def alembic_config() -> Config:
    """An alembic configuration pointing at the packaged migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def upgrade(url: str, revision: str = "head", app_role: str | None = None) -> None:
    """Migrate the database at `url` to `revision`; StorageUnavailable if it cannot be reached.

    `app_role` (default $DATABASE_APP_ROLE) is the PostgreSQL role the application
    connects as: migrations grant it what the service needs (INSERT and SELECT on
    decisions, nothing more) and create it NOLOGIN if it does not exist.
    """
    database = Database(url, DatabaseSettings.unlimited())
    try:
        with guard(), database.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
            config = alembic_config()
            config.attributes["connection"] = connection
            config.attributes["app_role"] = app_role or os.environ.get("DATABASE_APP_ROLE")
            command.upgrade(config, revision)
    finally:
        database.dispose()


def current(url: str) -> str | None:
    """The revision the database is at (None before the first migration)."""
    from alembic.runtime.migration import MigrationContext

    database = Database(url, DatabaseSettings.unlimited())
    try:
        with guard(), database.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        database.dispose()


def grant_app_role(url: str, role: str) -> None:
    """Give `role` the application's privileges on the migrated schema now (PostgreSQL)."""
    from eligibility.storage.sql.privileges import grant

    database = Database(url, DatabaseSettings.unlimited())
    try:
        with guard(), database.engine.begin() as connection:
            grant(connection, role)
    finally:
        database.dispose()


def head_revision() -> str:
    """The newest revision the packaged migrations lead to."""
    from alembic.script import ScriptDirectory

    found = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert found is not None
    return found
