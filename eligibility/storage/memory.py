"""In-memory fakes of the storage ports, for unit tests: same contracts, no IO."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import replace

from eligibility.catalogue.windows import covering
from eligibility.decisions import GENESIS, ChainHead, Decision, DecisionDraft, seal
from eligibility.decisions.recorded import Recorded
from eligibility.errors import Conflict, NotFound, PreconditionFailed
from eligibility.model import Status
from eligibility.records import (
    ApiKey,
    Clock,
    DecisionFilter,
    InterviewSession,
    SessionSubmit,
    StoredVersion,
    session_etag,
    utcnow,
)
from eligibility.storage.memory_jobs import MemoryJobs


def matches(decision: Decision, filters: DecisionFilter) -> bool:
    """True when a decision passes every filter that is set."""
    checks = (
        filters.ruleset_id in (None, decision.ruleset_id),
        filters.version in (None, decision.version),
        filters.eligible is None or decision.eligible is filters.eligible,
        filters.status in (None, decision.status),
        filters.recorded_from is None or decision.recorded_at >= filters.recorded_from,
        filters.recorded_to is None or decision.recorded_at < filters.recorded_to,
    )
    return all(checks)


class MemoryVersions:
    """Versions in a dict by (rule set, version)."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], StoredVersion] = {}

    def add(self, version: StoredVersion) -> None:
        key = (version.ruleset_id, version.version)
        if key in self.items:
            raise Conflict(f"{key[0]} {key[1]} is already stored")
        self.items[key] = version

    def replace(
        self, version: StoredVersion, expected_status: Status, expected_hash: str | None = None
    ) -> None:
        key = (version.ruleset_id, version.version)
        current = self.items.get(key)
        if current is None or current.status != expected_status:
            found = current.status if current else "missing"
            raise Conflict(f"{key[0]} {key[1]} is {found}, not {expected_status}")
        if expected_hash is not None and current.content_hash != expected_hash:
            raise Conflict(f"{key[0]} {key[1]} has other content now")
        self.items[key] = version

    def get(self, ruleset_id: str, version: str) -> StoredVersion | None:
        return self.items.get((ruleset_id, version))

    def by_hash(self, content_hash: str) -> StoredVersion | None:
        return next((v for v in self.items.values() if v.content_hash == content_hash), None)

    def list(self, ruleset_id: str | None = None) -> list[StoredVersion]:
        found = [v for v in self.items.values() if ruleset_id in (None, v.ruleset_id)]
        return sorted(found, key=lambda v: (v.ruleset_id, v.effective_from, v.version))

    def covering(
        self, ruleset_id: str, day: dt.date, known_at: dt.datetime | None = None
    ) -> StoredVersion | None:
        return covering(self.list(ruleset_id), day, known_at)


class MemoryDecisions:
    """The chain as a list; appends serialised by a lock like the database's chain head."""

    def __init__(self, clock: Clock = utcnow, sessions: MemorySessions | None = None) -> None:
        self.records: list[Decision] = []
        self.clock = clock
        self.lock = threading.Lock()
        self.sessions = sessions or MemorySessions()

    def append(
        self, draft: DecisionDraft, submit: SessionSubmit | None = None
    ) -> tuple[Decision, bool]:
        with self.lock, self.sessions.lock:
            if submit is not None:
                submitted = self._claim(submit)
                if submitted is not None:
                    return submitted, False
            if draft.idempotency_key is not None:
                seen = self.by_idempotency_key(draft.client, draft.idempotency_key)
                if seen is not None:
                    return seen, False
            head = self.head()
            decision = seal(draft, head.sequence + 1, head.hash, self.clock())
            self.records.append(decision)
            if submit is not None:
                current = self.sessions.items[submit.session_id]
                self.sessions.items[submit.session_id] = replace(
                    current,
                    decision_id=decision.id,
                    revision=submit.revision + 1,
                    updated_at=submit.at,
                )
            return decision, True

    def _claim(self, submit: SessionSubmit) -> Decision | None:
        current = self.sessions.items.get(submit.session_id)
        if current is None:
            raise NotFound("session", submit.session_id)
        if current.decision_id is not None:
            return self.get(current.decision_id)
        if current.revision != submit.revision:
            expected = session_etag(current.id, submit.revision)
            raise PreconditionFailed(expected, current.etag)
        return None

    def get(self, decision_id: str) -> Decision | None:
        return next((d for d in self.records if d.id == decision_id), None)

    def by_idempotency_key(self, client: str, key: str) -> Decision | None:
        return next(
            (d for d in self.records if (d.client, d.idempotency_key) == (client, key)), None
        )

    def count(self, filters: DecisionFilter) -> int:
        return len(self.find(filters))

    def find(
        self,
        filters: DecisionFilter,
        after: int = 0,
        limit: int | None = None,
        until: int | None = None,
    ) -> list[Decision]:
        found = [d for d in self.records if d.sequence > after and matches(d, filters)]
        found = [d for d in found if until is None or d.sequence <= until]
        return found[:limit] if limit is not None else found

    def for_replay(
        self,
        filters: DecisionFilter,
        after: int = 0,
        limit: int | None = None,
        until: int | None = None,
    ) -> list[Recorded]:
        return [Recorded.of(d) for d in self.find(filters, after, limit, until)]

    def keys(self, filters: DecisionFilter, every: int) -> list[int]:
        return [d.sequence for d in self.find(filters)][::every]

    def chain(self, after: int = 0, limit: int = 1000) -> Sequence[Decision]:
        return [d for d in self.records if d.sequence > after][:limit]

    def head(self) -> ChainHead:
        if not self.records:
            return ChainHead(0, GENESIS)
        return ChainHead(self.records[-1].sequence, self.records[-1].hash)


class MemorySessions:
    """Sessions in a dict; updates compare the revision first."""

    def __init__(self) -> None:
        self.items: dict[str, InterviewSession] = {}
        self.lock = threading.Lock()

    def add(self, session: InterviewSession) -> None:
        self.items[session.id] = session

    def get(self, session_id: str) -> InterviewSession | None:
        return self.items.get(session_id)

    def update(self, session: InterviewSession, expected_revision: int) -> bool:
        with self.lock:
            current = self.items.get(session.id)
            if current is None or current.revision != expected_revision:
                return False
            self.items[session.id] = session
            return True

    def delete_idle(self, before: dt.datetime) -> int:
        idle = [k for k, s in self.items.items() if s.updated_at < before]
        for key in idle:
            del self.items[key]
        return len(idle)

    def count_open(self) -> int:
        return sum(1 for s in list(self.items.values()) if s.decision_id is None)


class MemoryKeys:
    """API keys in a dict by id."""

    def __init__(self) -> None:
        self.items: dict[str, ApiKey] = {}

    def add(self, key: ApiKey) -> None:
        self.items[key.id] = key

    def by_hash(self, key_hash: str) -> ApiKey | None:
        return next((k for k in self.items.values() if k.key_hash == key_hash), None)

    def get(self, key_id: str) -> ApiKey | None:
        return self.items.get(key_id)

    def list(self) -> list[ApiKey]:
        return sorted(self.items.values(), key=lambda k: (k.created_at, k.id))

    def revoke(self, key_id: str, at: dt.datetime) -> ApiKey | None:
        key = self.items.get(key_id)
        if key is None or key.revoked_at is not None:
            return key
        self.items[key_id] = replace(key, revoked_at=at)
        return self.items[key_id]


class MemoryStorage:
    """Every repository, in memory."""

    def __init__(self, clock: Clock = utcnow) -> None:
        self.clock = clock
        self.versions = MemoryVersions()
        self.sessions = MemorySessions()
        self.decisions = MemoryDecisions(clock, self.sessions)
        self.keys = MemoryKeys()
        self.jobs = MemoryJobs()

    def now(self) -> dt.datetime:
        """The current time by this storage's clock."""
        return self.clock()

    def ping(self) -> None:
        """Always reachable."""

    def close(self) -> None:
        """Nothing to release."""
