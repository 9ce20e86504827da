"""The tables, as SQLAlchemy 2.0 declarative models; the migrations are written from these."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone, so it stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """The models' base; its metadata is what alembic compares against."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dt.datetime: UtcDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class RuleVersionRow(Base):
    """One rule-set version: canonical content, content hash, window and lifecycle."""

    __tablename__ = "rule_versions"

    ruleset_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[str] = mapped_column(String(100), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    content: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[dt.datetime | None]
    published_by: Mapped[str | None] = mapped_column(String(200))
    retired_at: Mapped[dt.datetime | None]
    retired_by: Mapped[str | None] = mapped_column(String(200))
    extends: Mapped[str | None] = mapped_column(String(100))


class DecisionRow(Base):
    """One decision of the append-only chain; `sequence` is its place (no gaps, no duplicates)."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("client", "idempotency_key", name="uq_decisions_client_idempotency_key"),
        Index("ix_decisions_ruleset_version", "ruleset_id", "version", "sequence"),
        # One interview, one decision (a unique index: added without rebuilding the table).
        Index("uq_decisions_session_id", "session_id", unique=True),
    )

    sequence: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    ruleset_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(100))
    content_hash: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[dt.date] = mapped_column(Date)
    locale: Mapped[str] = mapped_column(String(35))
    answers: Mapped[dict[str, Any]]
    goals: Mapped[dict[str, Any]]
    reasons: Mapped[dict[str, Any]]
    trace: Mapped[list[Any]]
    ignored_answers: Mapped[list[Any]]
    client: Mapped[str] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(index=True)
    eligible: Mapped[bool | None] = mapped_column(Boolean, index=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    field_digests: Mapped[dict[str, Any]]
    # complete | incomplete, hashed with the content; NULL in records made before it existed.
    status: Mapped[str | None] = mapped_column(String(16), index=True)
    # The interview session submitted as this decision, hashed with the content; NULL for
    # decisions recorded directly and in records made before it existed.
    session_id: Mapped[str | None] = mapped_column(String(36))


class ChainHeadRow(Base):
    """The single row that appends lock: the last sequence number and hash of the chain."""

    __tablename__ = "chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    sequence: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class SessionRow(Base):
    """An interview session; `revision` guards concurrent edits (the ETag)."""

    __tablename__ = "interview_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ruleset_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(100))
    content_hash: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    locale: Mapped[str | None] = mapped_column(String(35))
    answers: Mapped[dict[str, Any]]
    revision: Mapped[int] = mapped_column(Integer)
    client: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime] = mapped_column(index=True)
    decision_id: Mapped[str | None] = mapped_column(String(36))
    follows_claim_date: Mapped[bool] = mapped_column(Boolean, server_default=false())


class ApiKeyRow(Base):
    """An API key: role, name and the sha256 of its secret (never the secret)."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    expires_at: Mapped[dt.datetime | None]


class ReplayJobRow(Base):
    """A batch replay: its filter, target version, progress and summary."""

    __tablename__ = "replay_jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ruleset_id: Mapped[str] = mapped_column(String(100))
    filters: Mapped[dict[str, Any]]
    target_version: Mapped[str | None] = mapped_column(String(100))
    target_as_of: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    total: Mapped[int] = mapped_column(Integer)
    processed: Mapped[int] = mapped_column(Integer)
    summary: Mapped[dict[str, Any]]
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    heartbeat_at: Mapped[dt.datetime | None]  # written while it runs (batch/heartbeat.py)
    plan: Mapped[list[Any] | None]  # its partitions (from, to, rows), kept to resume it


class ReplayPartitionRow(Base):
    """A replay job's completed partition: its counts, kept so that the job can be resumed."""

    __tablename__ = "replay_job_partitions"

    job_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tally: Mapped[dict[str, Any]]


class ReplayResultRow(Base):
    """One decision's result in a replay job: status and per-goal values (no answers)."""

    __tablename__ = "replay_results"

    job_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    decision_id: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16))
    result: Mapped[dict[str, Any]]
