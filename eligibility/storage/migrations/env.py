"""Alembic environment: the models' metadata; the connection comes from `migrate.upgrade`."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from eligibility.storage import database_url
from eligibility.storage.sql.engine import Database
from eligibility.storage.sql.models import Base
from eligibility.storage.sql.settings import DatabaseSettings

config = context.config


def run(connection: Connection) -> None:
    """Run the pending migrations on one connection."""
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Use the caller's connection, else connect to DATABASE_URL (the alembic CLI)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    database = Database(
        config.get_main_option("sqlalchemy.url") or database_url(), DatabaseSettings.unlimited()
    )
    try:
        with database.engine.begin() as own:
            run(own)
    finally:
        database.dispose()


if context.is_offline_mode():
    raise SystemExit(
        "offline (SQL script) migrations are not supported; run `eligibility db upgrade`"
    )
run_online()
