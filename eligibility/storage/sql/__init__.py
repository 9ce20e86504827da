"""SQLAlchemy storage: SQLite by default, PostgreSQL (psycopg 3) via DATABASE_URL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from eligibility.records import Clock, utcnow
from eligibility.storage.sql.chain import SqlDecisions
from eligibility.storage.sql.engine import Database
from eligibility.storage.sql.repositories import SqlJobs, SqlKeys, SqlSessions, SqlVersions


class SqlStorage:
    """Every repository on one database; connects lazily, reconnects after an outage."""

    def __init__(self, url: str, clock: Clock = utcnow) -> None:
        self.clock = clock
        self.db = Database(url)
        self.versions = SqlVersions(self.db)
        self.decisions = SqlDecisions(self.db, clock)
        self.sessions = SqlSessions(self.db)
        self.keys = SqlKeys(self.db)
        self.jobs = SqlJobs(self.db)

    @property
    def url(self) -> str:
        """The database URL (workers of a cluster open the same database with it)."""
        return self.db.url

    def now(self) -> dt.datetime:
        """The current time by this storage's clock."""
        return self.clock()

    def ping(self) -> None:
        """Raise StorageUnavailable unless the database answers."""
        with self.db.read() as session:
            session.execute(text("SELECT 1"))

    def close(self) -> None:
        """Close pooled connections."""
        self.db.dispose()


__all__ = ["Database", "SqlStorage"]
