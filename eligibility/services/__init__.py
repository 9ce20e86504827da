"""Use cases over storage: rule-set lifecycle, decisions, audit, replay, sessions and API keys.

The API and the CLI call these functions; each takes the `Storage` to work on
first. Errors are the core's (`eligibility.errors`); a database that cannot be
reached raises `StorageUnavailable` and nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from eligibility.compiler import CompiledRuleSet
from eligibility.decisions import ChainVerification, Decision, ReplayResult
from eligibility.evaluation import Evaluation
from eligibility.ports import (
    ApiKey,
    DecisionFilter,
    InterviewSession,
    ReplayJob,
    Role,
    Storage,
    StoredVersion,
)

DEFAULT_SESSION_IDLE_SECONDS = 1800
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
ExportFormat = Literal["jsonl", "csv"]
Progress = Callable[[int, int], None]  # (processed, total)


# --- rule-set versions ------------------------------------------------------------------


@dataclass(frozen=True)
class SyncReport:
    """What a start-up sync of rule files did: versions published, unchanged, updated drafts."""

    added: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()


def sync_rule_files(store: Storage, paths: Iterable[Path], by: str = "rules-sync") -> SyncReport:
    """Store the versions in rule files: new ones with their status and hash; refuse changed ones.

    A published (or retired) version whose file now has another content hash is
    refused with ImmutableVersion naming the file and both hashes; nothing is
    stored then.
    """
    raise NotImplementedError


def create_draft(store: Storage, data: Mapping[str, Any] | str, author: str) -> StoredVersion:
    """A draft version from a document (YAML/JSON text or parsed data), validated with all errors.

    RuleSetError lists every problem; ImmutableVersion if this version is
    already published or retired. An existing draft is replaced.
    """
    raise NotImplementedError


def publish(store: Storage, ruleset_id: str, version: str, publisher: str) -> StoredVersion:
    """Publish a draft after all its scenarios pass; ScenariosFailed otherwise.

    Publishing an already published version with the same content is a no-op;
    a retired version cannot be published again (Conflict).
    """
    raise NotImplementedError


def retire(store: Storage, ruleset_id: str, version: str, by: str) -> StoredVersion:
    """Retire a published version: no new decisions use it; replay still does."""
    raise NotImplementedError


def list_versions(store: Storage, ruleset_id: str | None = None) -> list[StoredVersion]:
    """Stored versions (any status), by rule set and effective date."""
    raise NotImplementedError


def get_version(store: Storage, ruleset_id: str, version: str) -> StoredVersion:
    """One stored version; VersionNotFound (or RuleSetNotFound) otherwise."""
    raise NotImplementedError


def compiled_version(stored: StoredVersion) -> CompiledRuleSet:
    """The compiled form of a stored version, from its stored content (cached by hash)."""
    raise NotImplementedError


def select_version(
    store: Storage,
    ruleset_id: str,
    version: str | None = None,
    as_of: dt.date | None = None,
    *,
    published_only: bool = True,
) -> CompiledRuleSet:
    """The version named, or the published one covering `as_of` (default today), compiled.

    VersionNotFound / RuleSetNotFound when there is none.
    """
    raise NotImplementedError


# --- decisions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionRequest:
    """What a client asks to decide: rule set, version or date, answers and language."""

    ruleset_id: str
    answers: Mapping[str, Any]
    version: str | None = None
    as_of: dt.date | None = None
    locale: str | None = None


@dataclass(frozen=True)
class Recorded:
    """A decision and whether this call created it (False: an idempotent retry)."""

    decision: Decision
    evaluation: Evaluation | None
    created: bool


@dataclass(frozen=True)
class Page:
    """One page of decisions and the cursor of the next page (None at the end)."""

    items: tuple[Decision, ...]
    next_cursor: str | None


def record_decision(
    store: Storage,
    request: DecisionRequest,
    client: str,
    idempotency_key: str | None = None,
) -> Recorded:
    """Evaluate (with trace) and append the decision; returns only after the commit.

    A retry with the same client and Idempotency-Key returns the stored
    decision (created=False); the same key with another request raises
    IdempotencyConflict.
    """
    raise NotImplementedError


def get_decision(store: Storage, decision_id: str) -> Decision:
    """One decision; NotFound otherwise."""
    raise NotImplementedError


def list_decisions(
    store: Storage,
    filters: DecisionFilter,
    cursor: str | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
) -> Page:
    """Decisions matching the filters, oldest first, one page after `cursor` (InvalidCursor)."""
    raise NotImplementedError


def export_decisions(
    store: Storage, export_format: ExportFormat, filters: DecisionFilter | None = None
) -> Iterator[str]:
    """The matching decisions as JSON lines or CSV, streamed one line (or header) at a time."""
    raise NotImplementedError


def verify_audit_chain(store: Storage) -> ChainVerification:
    """Verify the whole decision chain: ok, or the first broken record and why."""
    raise NotImplementedError


# --- replay -------------------------------------------------------------------------------


def replay_decision(
    store: Storage, decision_id: str, version: str | None = None, as_of: dt.date | None = None
) -> ReplayResult:
    """Replay one decision under its recorded version (by content hash) or, what-if, another."""
    raise NotImplementedError


def start_replay_job(
    store: Storage,
    ruleset_id: str,
    created_by: str,
    target_version: str | None = None,
    target_as_of: dt.date | None = None,
    filters: DecisionFilter | None = None,
) -> ReplayJob:
    """Create a pending batch replay of a rule set's decisions, optionally under another version."""
    raise NotImplementedError


def run_replay_job(
    store: Storage,
    job_id: str,
    *,
    workers: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> ReplayJob:
    """Run a job: replay its decisions in a process pool, saving progress and the summary."""
    raise NotImplementedError


def get_replay_job(store: Storage, job_id: str) -> ReplayJob:
    """One replay job; NotFound otherwise."""
    raise NotImplementedError


# --- interview sessions ---------------------------------------------------------------------


def create_session(
    store: Storage,
    ruleset_id: str,
    *,
    version: str | None = None,
    as_of: dt.date | None = None,
    locale: str | None = None,
    answers: Mapping[str, Any] | None = None,
    client: str | None = None,
) -> InterviewSession:
    """Start an interview pinned to the version named or covering `as_of`."""
    raise NotImplementedError


def get_session(
    store: Storage, session_id: str, idle_seconds: int = DEFAULT_SESSION_IDLE_SECONDS
) -> InterviewSession:
    """One session; NotFound, or SessionExpired once idle longer than `idle_seconds`."""
    raise NotImplementedError


def evaluate_session(session: InterviewSession, locale: str | None = None) -> Evaluation:
    """The session's answers evaluated under its pinned version: goals and next questions."""
    raise NotImplementedError


def answer(
    store: Storage,
    session_id: str,
    answers: Mapping[str, Any],
    expected_etag: str | None,
    idle_seconds: int = DEFAULT_SESSION_IDLE_SECONDS,
) -> InterviewSession:
    """Add or change answers (validated); PreconditionFailed if `expected_etag` is stale.

    `expected_etag` None skips the check (no If-Match header).
    """
    raise NotImplementedError


def forget_answer(
    store: Storage,
    session_id: str,
    question: str,
    expected_etag: str | None,
    idle_seconds: int = DEFAULT_SESSION_IDLE_SECONDS,
) -> InterviewSession:
    """Remove one answer; PreconditionFailed if `expected_etag` is stale."""
    raise NotImplementedError


def submit_session(
    store: Storage,
    session_id: str,
    client: str,
    idempotency_key: str | None = None,
    expected_etag: str | None = None,
    idle_seconds: int = DEFAULT_SESSION_IDLE_SECONDS,
) -> Recorded:
    """Record the session's answers as a decision under its pinned version."""
    raise NotImplementedError


def expire_sessions(
    store: Storage, idle_seconds: int = DEFAULT_SESSION_IDLE_SECONDS, now: dt.datetime | None = None
) -> int:
    """Delete sessions idle longer than `idle_seconds`; how many."""
    raise NotImplementedError


# --- API keys ---------------------------------------------------------------------------------


def create_key(store: Storage, role: Role, name: str) -> tuple[str, ApiKey]:
    """A new key: the secret (shown once, never stored) and its record (sha256 of the secret)."""
    raise NotImplementedError


def authenticate(store: Storage, token: str) -> ApiKey | None:
    """The active key this secret belongs to, or None."""
    raise NotImplementedError


def list_keys(store: Storage) -> list[ApiKey]:
    """Every key (without secrets), oldest first."""
    raise NotImplementedError


def revoke_key(store: Storage, key_id: str) -> ApiKey:
    """Revoke a key; NotFound if there is none with this id."""
    raise NotImplementedError
