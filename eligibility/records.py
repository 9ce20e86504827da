"""The records the core keeps: stored versions, decisions filters, sessions, keys, replay jobs."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from eligibility.model import Status
from eligibility.values_io import content_hash

Role = Literal["client", "author", "publisher", "auditor"]
ROLES: tuple[Role, ...] = ("client", "author", "publisher", "auditor")
JobStatus = Literal["pending", "running", "done", "failed", "cancelled"]
UNFINISHED: tuple[JobStatus, ...] = ("pending", "running")
Clock = Callable[[], dt.datetime]
# Entries of a stored document the content hash leaves out: they never change what it computes.
UNHASHED = ("scenarios", "dated_by")


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
    # The version this one extends, as its document said (the content has it merged in).
    extends: str | None = None

    @property
    def supersedes(self) -> str | None:
        """The version this one corrects, as its (hashed) content says, or None."""
        found = self.content.get("supersedes")
        return str(found) if found is not None else None

    def integrity_problem(self) -> str | None:
        """Why the stored content no longer fits its content hash or columns, or None.

        The hash covers the canonical document without its scenarios; the rule set,
        version and effective window stored as columns (selection reads them) must be
        the document's own.
        """
        rules = {k: v for k, v in self.content.items() if k not in UNHASHED}
        found = content_hash(rules)
        if found != self.content_hash:
            return f"the stored content hashes to {found}, not to the recorded {self.content_hash}"
        columns = {
            "ruleset": self.ruleset_id,
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
        }
        wrong = [k for k, v in columns.items() if rules.get(k) != v]
        if wrong:
            return "the columns " + ", ".join(wrong) + " disagree with the stored content"
        return None


@dataclass(frozen=True)
class DecisionFilter:
    """Which decisions to list, export or replay; None means any."""

    ruleset_id: str | None = None
    version: str | None = None
    recorded_from: dt.datetime | None = None
    recorded_to: dt.datetime | None = None
    eligible: bool | None = None
    status: str | None = None  # complete or incomplete, as recorded

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
    """Answers kept server-side for one interview, pinned to one version.

    A session that `follows_claim_date` moves to the version governing the claim's own
    date (the rule set's `dated_by` answer) whenever that answer changes; `as_of` is then
    only the date the client gave, if any.
    """

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
    follows_claim_date: bool = False

    @property
    def etag(self) -> str:
        """The entity tag of this state of the session (changes with every edit)."""
        return session_etag(self.id, self.revision)


def session_etag(session_id: str, revision: int) -> str:
    """The entity tag of a session at one revision."""
    return f'"{session_id[:8]}-{revision}"'


@dataclass(frozen=True)
class SessionSubmit:
    """A session's move to submitted, made in the same transaction as its decision's append.

    It applies only while the session is still at `revision` and undecided.
    """

    session_id: str
    revision: int
    at: dt.datetime


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
    expires_at: dt.datetime | None = None  # None: never

    @property
    def active(self) -> bool:
        """True until the key is revoked."""
        return self.revoked_at is None

    def usable(self, now: dt.datetime) -> bool:
        """True while the key is neither revoked nor expired."""
        return self.active and (self.expires_at is None or now < self.expires_at)


LISTED_IDS = 100  # changed (and failed) decisions a replay's summary names; its results, all


def failure_kind(error: str) -> str:
    """What kind of error a failed decision met: its error's name (`ValidationError: …`)."""
    return error.split(":", 1)[0]


def counted_failures(data: Mapping[str, Any]) -> Counter[str]:
    """`failures` of saved counts; counts saved before it listed every failed id: from those."""
    return Counter(data.get("failures") or map(failure_kind, data.get("failed_ids", {}).values()))


@dataclass(frozen=True)
class ReplaySummary:
    """Counts of a batch replay: unchanged, changed by goal and how, failures, and some ids.

    `labels` names the goals (in the rule set's default language); `by_rule` counts the
    rules that made the difference; `amounts` sums each numeric goal before and after
    over every replayed decision; `failures` counts the failed decisions by kind of error.
    Only `changed_ids` and `failed_ids` name decisions: the first LISTED_IDS of each, in
    the order recorded (the job's results name every one).
    """

    total: int = 0
    unchanged: int = 0
    changed: int = 0
    failed: int = 0
    by_goal: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    changed_ids: tuple[str, ...] = ()
    failed_ids: Mapping[str, str] = field(default_factory=dict)
    failures: Mapping[str, int] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    by_rule: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    amounts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # Partitions (key ranges) that did not complete: from, to, rows, error. Not counted above.
    failed_partitions: tuple[Mapping[str, Any], ...] = ()
    # For the impact report: gains, losses, amount changes, rules (`batch.effects.Effects`).
    effects: Mapping[str, Any] = field(default_factory=dict)

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
            "failures": dict(self.failures),
            "labels": dict(self.labels),
            "by_rule": {k: dict(v) for k, v in self.by_rule.items()},
            "amounts": {k: dict(v) for k, v in self.amounts.items()},
            "failed_partitions": [dict(p) for p in self.failed_partitions],
            "effects": dict(self.effects),
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
            failures=counted_failures(data),
            labels=data.get("labels", {}),
            by_rule=data.get("by_rule", {}),
            amounts=data.get("amounts", {}),
            failed_partitions=tuple(data.get("failed_partitions", ())),
            effects=data.get("effects", {}),
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
    heartbeat_at: dt.datetime | None = None  # its process's last sign of life while it ran


def resumable(job: ReplayJob) -> bool:
    """Whether a job may run again: failed, or cancelled once its run ended (not pending)."""
    return job.status == "failed" or (job.status == "cancelled" and job.finished_at is not None)
