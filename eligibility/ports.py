"""Storage ports: the records the core keeps and the repositories that keep them.

Each repository method is one transaction: it either commits or raises (a
database that cannot be reached raises `StorageUnavailable`, and nothing is
half-written). Two adapters implement these Protocols: SQLAlchemy
(`eligibility.storage.sql`) and in-memory fakes (`eligibility.storage.memory`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from eligibility.decisions import ChainHead, Decision, DecisionDraft
from eligibility.model import Status

Role = Literal["client", "author", "publisher", "auditor"]
ROLES: tuple[Role, ...] = ("client", "author", "publisher", "auditor")
JobStatus = Literal["pending", "running", "done", "failed"]
Clock = Callable[[], dt.datetime]


def utcnow() -> dt.datetime:
    """The current time, in UTC (the default clock of storage and services)."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class StoredVersion:
    """A rule-set version as stored: canonical content (with scenarios), hash and lifecycle."""

    ruleset_id: str
    version: str
    status: Status
    content: Mapping[str, Any]
    content_hash: str
    effective_from: dt.date
    effective_to: dt.date | None
    created_at: dt.datetime
    created_by: str
    source: str | None = None
    published_at: dt.datetime | None = None
    published_by: str | None = None
    retired_at: dt.datetime | None = None
    retired_by: str | None = None


@dataclass(frozen=True)
class DecisionFilter:
    """Which decisions to list, export or replay; None means any."""

    ruleset_id: str | None = None
    version: str | None = None
    recorded_from: dt.datetime | None = None
    recorded_to: dt.datetime | None = None
    eligible: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """The filters that are set, as JSON-safe data."""
        return {
            k: v.isoformat() if isinstance(v, dt.datetime) else v
            for k, v in self.__dict__.items()
            if v is not None
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DecisionFilter:
        """Filters from `to_dict` data."""
        times = {
            k: dt.datetime.fromisoformat(data[k])
            for k in ("recorded_from", "recorded_to")
            if data.get(k) is not None
        }
        return cls(**{**data, **times})


@dataclass(frozen=True)
class InterviewSession:
    """Answers kept server-side for one interview, pinned to one version."""

    id: str
    ruleset_id: str
    version: str
    content_hash: str
    as_of: dt.date | None
    locale: str | None
    answers: Mapping[str, Any]
    revision: int
    client: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    decision_id: str | None = None

    @property
    def etag(self) -> str:
        """The entity tag of this state of the session (changes with every edit)."""
        return f'"{self.id[:8]}-{self.revision}"'


@dataclass(frozen=True)
class ApiKey:
    """An API key: its role and name; only the sha256 of the secret is kept."""

    id: str
    name: str
    role: Role
    key_hash: str
    prefix: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None

    @property
    def active(self) -> bool:
        """True until the key is revoked."""
        return self.revoked_at is None


@dataclass(frozen=True)
class ReplaySummary:
    """Counts of a batch replay: unchanged, changed by goal and how, failures, and the ids."""

    total: int = 0
    unchanged: int = 0
    changed: int = 0
    failed: int = 0
    by_goal: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    changed_ids: tuple[str, ...] = ()
    failed_ids: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain data (JSON-safe)."""
        return {
            "total": self.total,
            "unchanged": self.unchanged,
            "changed": self.changed,
            "failed": self.failed,
            "by_goal": {k: dict(v) for k, v in self.by_goal.items()},
            "changed_ids": list(self.changed_ids),
            "failed_ids": dict(self.failed_ids),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReplaySummary:
        """A summary from `to_dict` data."""
        return cls(
            total=data.get("total", 0),
            unchanged=data.get("unchanged", 0),
            changed=data.get("changed", 0),
            failed=data.get("failed", 0),
            by_goal=data.get("by_goal", {}),
            changed_ids=tuple(data.get("changed_ids", ())),
            failed_ids=data.get("failed_ids", {}),
        )


@dataclass(frozen=True)
class ReplayJob:
    """A batch replay (what-if): which decisions, under which version, and how far it got."""

    id: str
    ruleset_id: str
    filters: DecisionFilter
    target_version: str | None
    target_as_of: dt.date | None
    status: JobStatus
    total: int
    processed: int
    summary: ReplaySummary
    created_at: dt.datetime
    created_by: str
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    error: str | None = None


class VersionRepository(Protocol):
    """Rule-set versions by (rule set, version) and by content hash."""

    def add(self, version: StoredVersion) -> None:
        """Insert a new version; Conflict if one with this id is already stored."""
        ...

    def replace(self, version: StoredVersion, expected_status: Status) -> None:
        """Overwrite a stored version if its stored status is still `expected_status`."""
        ...

    def get(self, ruleset_id: str, version: str) -> StoredVersion | None:
        """One version, or None."""
        ...

    def by_hash(self, content_hash: str) -> StoredVersion | None:
        """A version with this content hash (any rule set, any status), or None."""
        ...

    def list(self, ruleset_id: str | None = None) -> list[StoredVersion]:
        """Versions, by rule set then effective date."""
        ...

    def covering(self, ruleset_id: str, day: dt.date) -> StoredVersion | None:
        """The published version whose effective window contains `day` (the latest start wins)."""
        ...


class DecisionRepository(Protocol):
    """The append-only, hash-chained decision log."""

    def append(self, draft: DecisionDraft) -> tuple[Decision, bool]:
        """Chain and commit a decision; (existing, False) when its idempotency key was seen."""
        ...

    def get(self, decision_id: str) -> Decision | None:
        """One decision, or None."""
        ...

    def by_idempotency_key(self, client: str, key: str) -> Decision | None:
        """The decision a client recorded under this Idempotency-Key, or None."""
        ...

    def count(self, filters: DecisionFilter) -> int:
        """How many decisions match."""
        ...

    def find(
        self, filters: DecisionFilter, after: int = 0, limit: int | None = None
    ) -> list[Decision]:
        """Decisions matching the filter with sequence > after, in sequence order."""
        ...

    def chain(self, after: int = 0, limit: int = 1000) -> Sequence[Decision]:
        """Every record with sequence > after, in order, unfiltered (for verification)."""
        ...

    def head(self) -> ChainHead:
        """The chain head as stored."""
        ...


class SessionRepository(Protocol):
    """Interview sessions, changed only with the revision the writer read."""

    def add(self, session: InterviewSession) -> None:
        """Insert a new session."""
        ...

    def get(self, session_id: str) -> InterviewSession | None:
        """One session, or None."""
        ...

    def update(self, session: InterviewSession, expected_revision: int) -> bool:
        """Store a new state if the stored revision is still `expected_revision`; else False."""
        ...

    def delete_idle(self, before: dt.datetime) -> int:
        """Delete sessions not touched since `before`; how many."""
        ...


class ApiKeyRepository(Protocol):
    """API keys, found by the hash of their secret."""

    def add(self, key: ApiKey) -> None:
        """Insert a key."""
        ...

    def by_hash(self, key_hash: str) -> ApiKey | None:
        """The key with this secret hash, or None."""
        ...

    def get(self, key_id: str) -> ApiKey | None:
        """One key by id, or None."""
        ...

    def list(self) -> list[ApiKey]:
        """Every key, oldest first."""
        ...

    def revoke(self, key_id: str, at: dt.datetime) -> ApiKey | None:
        """Mark a key revoked (idempotent); None if there is no such key."""
        ...


class ReplayJobRepository(Protocol):
    """Batch replay jobs and their progress."""

    def add(self, job: ReplayJob) -> None:
        """Insert a job."""
        ...

    def get(self, job_id: str) -> ReplayJob | None:
        """One job, or None."""
        ...

    def save(self, job: ReplayJob) -> None:
        """Store the job's new status, progress and summary."""
        ...

    def list(self) -> list[ReplayJob]:
        """Every job, newest first."""
        ...


class Storage(Protocol):
    """The repositories of one database."""

    @property
    def versions(self) -> VersionRepository:
        """Rule-set versions."""
        ...

    @property
    def decisions(self) -> DecisionRepository:
        """The decision chain."""
        ...

    @property
    def sessions(self) -> SessionRepository:
        """Interview sessions."""
        ...

    @property
    def keys(self) -> ApiKeyRepository:
        """API keys."""
        ...

    @property
    def jobs(self) -> ReplayJobRepository:
        """Replay jobs."""
        ...

    def now(self) -> dt.datetime:
        """The current time (UTC) by this storage's clock."""
        ...

    def ping(self) -> None:
        """Raise StorageUnavailable unless the database answers."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def iterate(
    repository: DecisionRepository, filters: DecisionFilter, batch: int = 500, after: int = 0
) -> Iterator[Decision]:
    """Matching decisions after `after`, in sequence order, fetched in batches (short reads)."""
    while page := repository.find(filters, after, batch):
        yield from page
        after = page[-1].sequence
