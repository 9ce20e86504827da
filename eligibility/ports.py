"""Storage ports: the repositories that keep the core's records (see `records.py`).

Each repository method is one transaction: it either commits or raises (a
database that cannot be reached raises `StorageUnavailable`, and nothing is
half-written). Two adapters implement these Protocols: SQLAlchemy
(`eligibility.storage.sql`) and in-memory fakes (`eligibility.storage.memory`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Protocol

from eligibility.checkpoints.signing import Checkpoint
from eligibility.decisions import ChainHead, Decision, DecisionDraft
from eligibility.decisions.recorded import Recorded
from eligibility.job_ports import ReplayJobRepository
from eligibility.model import Status
from eligibility.records import (
    ApiKey,
    DecisionFilter,
    InterviewSession,
    SessionSubmit,
    StoredVersion,
)


class VersionRepository(Protocol):
    """Rule-set versions by (rule set, version) and by content hash."""

    def add(self, version: StoredVersion) -> None:
        """Insert a new version; Conflict if one with this id is already stored."""
        ...

    def replace(
        self, version: StoredVersion, expected_status: Status, expected_hash: str | None = None
    ) -> None:
        """Overwrite a stored version if its status (and content hash) are still as expected.

        Conflict otherwise, and nothing is written.
        """
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

    def covering(
        self, ruleset_id: str, day: dt.date, known_at: dt.datetime | None = None
    ) -> StoredVersion | None:
        """The published version governing `day` as known at `known_at` (default now).

        See `catalogue.windows.covering`: corrections published by then replace the
        versions they supersede; the latest start wins.
        """
        ...


class DecisionRepository(Protocol):
    """The append-only, hash-chained decision log."""

    def append(
        self, draft: DecisionDraft, submit: SessionSubmit | None = None
    ) -> tuple[Decision, bool]:
        """Chain and commit a decision; (existing, False) when its idempotency key was seen.

        With `submit`, the session moves to submitted in the same transaction, under a lock
        on its row: (its decision, False) when it was submitted already; PreconditionFailed
        (nothing written) when its revision is no longer `submit.revision`; NotFound when
        it is gone.
        """
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
        self,
        filters: DecisionFilter,
        after: int = 0,
        limit: int | None = None,
        until: int | None = None,
    ) -> list[Decision]:
        """Decisions matching the filter with after < sequence (<= until), in sequence order."""
        ...

    def for_replay(
        self,
        filters: DecisionFilter,
        after: int = 0,
        limit: int | None = None,
        until: int | None = None,
    ) -> list[Recorded]:
        """As `find`, only what a replay reads: reasons and trace as stored text, unparsed."""
        ...

    def keys(self, filters: DecisionFilter, every: int) -> list[int]:
        """The sequence of every `every`-th matching decision from the first (partition starts)."""
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

    def count_open(self) -> int:
        """How many sessions have no decision yet (for metrics)."""
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


class CheckpointStore(Protocol):
    """Signed checkpoints kept outside the database (a directory, an object store …)."""

    def write(self, checkpoint: Checkpoint) -> str:
        """Keep a checkpoint for good (never overwriting one); where it went."""
        ...

    def read_all(self) -> tuple[list[Checkpoint], list[tuple[str, str]]]:
        """Every checkpoint, and (name, problem) for each entry that is not a readable one."""
        ...


def iterate(
    repository: DecisionRepository,
    filters: DecisionFilter,
    batch: int = 500,
    after: int = 0,
    until: int | None = None,
) -> Iterator[Decision]:
    """Matching decisions in (after, until], in sequence order, fetched in batches (short reads)."""
    while page := repository.find(filters, after, batch, until):
        yield from page
        after = page[-1].sequence
