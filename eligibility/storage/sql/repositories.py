"""SQL repositories of versions, interview sessions and API keys (replay jobs: jobs.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import Any, TypeVar

from sqlalchemy import delete, exc, func, or_, select, update

from eligibility.catalogue.windows import covering
from eligibility.errors import Conflict, StoredVersionAltered
from eligibility.model import Status
from eligibility.records import (
    ApiKey,
    InterviewSession,
    StoredVersion,
)
from eligibility.storage.sql.engine import Database
from eligibility.storage.sql.key_cache import KeyCache
from eligibility.storage.sql.models import (
    ApiKeyRow,
    Base,
    RuleVersionRow,
    SessionRow,
)

R = TypeVar("R")


def _values(record: Any) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in fields(record)}


def _record(kind: type[R], row: Base) -> R:
    return kind(**{f.name: getattr(row, f.name) for f in fields(kind)})  # type: ignore[arg-type]


def _version(row: RuleVersionRow) -> StoredVersion:
    """The stored version of a row, verified against its content hash on every load."""
    stored: StoredVersion = _record(StoredVersion, row)
    problem = stored.integrity_problem()
    if problem is not None:
        raise StoredVersionAltered(
            f"{stored.ruleset_id} {stored.version} was changed in the database: {problem}"
        )
    return stored


class SqlVersions:
    """Rule-set versions."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, version: StoredVersion) -> None:
        try:
            with self.db.write() as session:
                session.add(RuleVersionRow(**_values(version)))
        except exc.IntegrityError as error:
            raise Conflict(f"{version.ruleset_id} {version.version} is already stored") from error

    def replace(
        self, version: StoredVersion, expected_status: Status, expected_hash: str | None = None
    ) -> None:
        values = _values(version)
        query = update(RuleVersionRow).where(
            RuleVersionRow.ruleset_id == version.ruleset_id,
            RuleVersionRow.version == version.version,
            RuleVersionRow.status == expected_status,
        )
        if expected_hash is not None:
            query = query.where(RuleVersionRow.content_hash == expected_hash)
        with self.db.write() as session:
            done = session.execute(query.values(**values))
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(
                    f"{version.ruleset_id} {version.version} is no longer {expected_status}"
                )

    def get(self, ruleset_id: str, version: str) -> StoredVersion | None:
        with self.db.read() as session:
            row = session.get(RuleVersionRow, (ruleset_id, version))
            return _version(row) if row is not None else None

    def by_hash(self, content_hash: str) -> StoredVersion | None:
        query = select(RuleVersionRow).where(RuleVersionRow.content_hash == content_hash)
        with self.db.read() as session:
            row = session.scalars(query).first()
            return _version(row) if row is not None else None

    def list(self, ruleset_id: str | None = None) -> list[StoredVersion]:
        query = select(RuleVersionRow).order_by(
            RuleVersionRow.ruleset_id, RuleVersionRow.effective_from, RuleVersionRow.version
        )
        if ruleset_id is not None:
            query = query.where(RuleVersionRow.ruleset_id == ruleset_id)
        with self.db.read() as session:
            return [_version(row) for row in session.scalars(query)]

    def covering(
        self, ruleset_id: str, day: dt.date, known_at: dt.datetime | None = None
    ) -> StoredVersion | None:
        query = select(RuleVersionRow).where(
            RuleVersionRow.ruleset_id == ruleset_id,
            RuleVersionRow.status == "published",
            RuleVersionRow.effective_from <= day,
            or_(RuleVersionRow.effective_to.is_(None), RuleVersionRow.effective_to >= day),
        )
        with self.db.read() as session:
            # A few rows at most: the version covering the day and its corrections.
            found = [_version(row) for row in session.scalars(query)]
        return covering(found, day, known_at)


class SqlSessions:
    """Interview sessions; an update applies only over the revision the writer read."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, session: InterviewSession) -> None:
        with self.db.write() as db_session:
            db_session.add(SessionRow(**_values(session)))

    def get(self, session_id: str) -> InterviewSession | None:
        with self.db.read() as db_session:
            row = db_session.get(SessionRow, session_id)
            return _record(InterviewSession, row) if row is not None else None

    def update(self, session: InterviewSession, expected_revision: int) -> bool:
        with self.db.write() as db_session:
            done = db_session.execute(
                update(SessionRow)
                .where(SessionRow.id == session.id, SessionRow.revision == expected_revision)
                .values(**_values(session))
            )
            return bool(done.rowcount == 1)  # type: ignore[attr-defined]

    def delete_idle(self, before: dt.datetime) -> int:
        with self.db.write() as db_session:
            done = db_session.execute(delete(SessionRow).where(SessionRow.updated_at < before))
            return int(done.rowcount)  # type: ignore[attr-defined]

    def count_open(self) -> int:
        query = select(func.count()).select_from(SessionRow).where(SessionRow.decision_id.is_(None))
        with self.db.read() as db_session:
            return int(db_session.scalar(query) or 0)


class SqlKeys:
    """API keys; those found lately are remembered for a few seconds (key_cache.py)."""

    def __init__(self, db: Database, cache: KeyCache | None = None) -> None:
        self.db = db
        self.cache = cache or KeyCache()

    def add(self, key: ApiKey) -> None:
        with self.db.write() as session:
            session.add(ApiKeyRow(**_values(key)))

    def by_hash(self, key_hash: str) -> ApiKey | None:
        remembered = self.cache.get(key_hash)
        if remembered is not None:
            return remembered
        with self.db.read() as session:
            row = session.scalars(select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash)).first()
            found: ApiKey | None = _record(ApiKey, row) if row is not None else None
        if found is not None:
            self.cache.put(found)
        return found

    def get(self, key_id: str) -> ApiKey | None:
        with self.db.read() as session:
            row = session.get(ApiKeyRow, key_id)
            return _record(ApiKey, row) if row is not None else None

    def list(self) -> list[ApiKey]:
        query = select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.id)
        with self.db.read() as session:
            return [_record(ApiKey, row) for row in session.scalars(query)]

    def revoke(self, key_id: str, at: dt.datetime) -> ApiKey | None:
        with self.db.write() as session:
            row = session.get(ApiKeyRow, key_id)
            if row is None:
                return None
            if row.revoked_at is None:
                row.revoked_at = at
            revoked: ApiKey = _record(ApiKey, row)
        self.cache.forget(key_id)  # refused by this process at once, by others within seconds
        return revoked

