"""SQLAlchemy storage: SQLite by default, PostgreSQL (psycopg 3) via DATABASE_URL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, text

from eligibility.errors import StorageUnavailable
from eligibility.records import Clock, utcnow
from eligibility.storage.sql.appends import HEAD_ID
from eligibility.storage.sql.chain import SqlDecisions
from eligibility.storage.sql.engine import Database
from eligibility.storage.sql.jobs import SqlJobs
from eligibility.storage.sql.key_cache import KeyCache
from eligibility.storage.sql.models import ChainHeadRow
from eligibility.storage.sql.repositories import SqlKeys, SqlSessions, SqlVersions
from eligibility.storage.sql.settings import DatabaseSettings


class SqlStorage:
    """Every repository on one database; connects lazily, reconnects after an outage."""

    def __init__(
        self, url: str, clock: Clock = utcnow, settings: DatabaseSettings | None = None
    ) -> None:
        self.clock = clock
        self.db = Database(url, settings or DatabaseSettings.from_env())
        self.versions = SqlVersions(self.db)
        self.decisions = SqlDecisions(self.db, clock)
        self.sessions = SqlSessions(self.db)
        self.keys = SqlKeys(self.db, KeyCache(self.db.settings.key_cache_seconds))
        self.jobs = SqlJobs(self.db)

    @property
    def url(self) -> str:
        """The database URL (workers of a cluster open the same database with it)."""
        return self.db.url

    def now(self) -> dt.datetime:
        """The current time by this storage's clock."""
        return self.clock()

    def ping(self) -> None:
        """Raise StorageUnavailable (saying what is wrong) unless reads and writes get through.

        The write path is taken as an append takes it, the chain head locked for update,
        and rolled back: a read-only database or a head held by a stuck transaction fails.
        """
        with self.db.read() as session:
            session.execute(text("SELECT 1"))
        try:
            with self.db.probe_write() as session:
                session.execute(
                    select(ChainHeadRow.id).where(ChainHeadRow.id == HEAD_ID).with_for_update()
                ).one()
        except StorageUnavailable as error:
            error.writes_only = True
            raise

    def close(self) -> None:
        """Close pooled connections."""
        self.db.dispose()


__all__ = ["Database", "DatabaseSettings", "SqlStorage"]
