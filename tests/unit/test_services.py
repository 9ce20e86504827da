"""Use cases on the in-memory storage fakes: no IO, the same contracts as the SQL adapters."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from eligibility import services
from eligibility.errors import (
    Conflict,
    IdempotencyConflict,
    ImmutableVersion,
    InvalidCursor,
    NotFound,
    NoVersionApplies,
    PreconditionFailed,
    RuleSetNotFound,
    SessionExpired,
    VersionNotFound,
)
from eligibility.records import DecisionFilter
from eligibility.services.records import decode_cursor, encode_cursor
from eligibility.storage.memory import MemoryStorage

FISHING = Path(__file__).resolve().parents[1] / "fixtures" / "fishing-licence"
DAY = dt.date(2024, 5, 1)
NEXT = {
    "ruleset": "fishing-licence",
    "version": "2025-01-01",
    "extends": "2024-01-01",
    "effective_from": "2025-01-01",
    "parameters": {"income_limit": {"value": "1000.00", "legal_reference": "§ 12 (2) new"}},
}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(microseconds=1)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(clock: Clock) -> MemoryStorage:
    storage = MemoryStorage(clock)
    services.sync_rule_files(storage, [FISHING])
    return storage


def decide(store: MemoryStorage, answers: dict[str, Any], key: str | None = None) -> Any:
    """Record a decision, complete or not (these tests are about records, not completeness)."""
    request = services.EvaluationRequest("fishing-licence", answers, as_of=DAY)
    return services.record_decision(store, request, "client-1", key, allow_incomplete=True)


def test_lifecycle_draft_publish_retire(store: MemoryStorage) -> None:
    draft = services.create_draft(store, NEXT, "author")
    assert draft.status == "draft" and draft.content["parameters"]["income_limit"]["value"]
    assert services.create_draft(store, NEXT, "author-2").created_by == "author-2"
    published = services.publish(store, "fishing-licence", "2025-01-01", "publisher")
    assert published.status == "published"
    with pytest.raises(ImmutableVersion):
        services.create_draft(store, NEXT, "author")
    services.create_draft(store, {**NEXT, "version": "2026-01-01"}, "author")
    with pytest.raises(Conflict, match="draft"):
        services.retire(store, "fishing-licence", "2026-01-01", "publisher")
    retired = services.retire(store, "fishing-licence", "2024-01-01", "publisher")
    assert services.retire(store, "fishing-licence", "2024-01-01", "other") == retired
    assert [v.version for v in services.list_versions(store, "fishing-licence")] == [
        "2024-01-01",
        "2025-01-01",
        "2026-01-01",
    ]


def test_lookups_explain_what_is_missing(store: MemoryStorage) -> None:
    catalogue = services.stored_evaluator(store).catalogue
    with pytest.raises(RuleSetNotFound, match="did you mean 'fishing-licence'"):
        catalogue.resolve("fishing")
    with pytest.raises(NoVersionApplies, match="applies on 2030-01-01"):
        catalogue.resolve("fishing-licence", as_of=dt.date(2030, 1, 1))
    with pytest.raises(VersionNotFound, match="no version '9'"):
        services.get_version(store, "fishing-licence", "9")


def test_record_is_idempotent_per_client_and_key(store: MemoryStorage) -> None:
    first = decide(store, {"age": 70, "resident": True}, key="k")
    assert first.created and first.evaluation is not None
    again = decide(store, {"age": 70, "resident": True}, key="k")
    assert not again.created and again.evaluation is None and again.decision == first.decision
    with pytest.raises(IdempotencyConflict):
        decide(store, {"age": 71, "resident": True}, key="k")
    assert store.decisions.head().sequence == 1


def test_cursor_pages_and_bad_cursors(store: MemoryStorage) -> None:
    ids = [decide(store, {"age": 20 + n, "resident": True}).decision.id for n in range(5)]
    pages, cursor = [], None
    while True:
        page = services.list_decisions(store, DecisionFilter(), cursor, limit=2)
        pages.append([d.id for d in page.items])
        if (cursor := page.next_cursor) is None:
            break
    assert pages == [ids[:2], ids[2:4], ids[4:]]
    assert decode_cursor(encode_cursor(41)) == 41
    for bad in ("", "abc", encode_cursor(1)[:-2] + "!!"):
        with pytest.raises(InvalidCursor):
            decode_cursor(bad)


def test_export_streams_one_line_per_decision(store: MemoryStorage) -> None:
    decide(store, {"age": 70, "resident": True})
    decide(store, {"age": 30, "income": "unknown", "resident": True})
    lines = list(services.export_decisions(store, "jsonl"))
    assert len(lines) == 2 and all(line.endswith("\n") for line in lines)
    assert json.loads(lines[1])["eligible"] is None
    csv_lines = list(services.export_decisions(store, "csv"))
    assert csv_lines[0].startswith("sequence,id,recorded_at") and len(csv_lines) == 3
    with pytest.raises(ValueError):
        services.export_decisions(store, "xml")  # type: ignore[arg-type]


def test_verify_detects_an_edit_in_the_fake(store: MemoryStorage) -> None:
    decide(store, {"age": 70, "resident": True})
    assert services.verify_audit_chain(store).ok
    records = store.decisions.records
    records[0] = dataclasses.replace(records[0], locale="fr")
    assert services.verify_audit_chain(store).broken is not None


def test_replay_job_inline(store: MemoryStorage) -> None:
    decide(store, {"age": 30, "income": "1100.00", "resident": True})
    decide(store, {"age": 70, "resident": True})
    services.create_draft(store, NEXT, "author")
    job = services.start_replay_job(store, "fishing-licence", "auditor", "2025-01-01")
    done = services.run_replay_job(store, job.id)
    assert done.summary.changed == 1 and done.summary.unchanged == 1
    assert done.summary.by_goal["eligible"] == {"true → false": 1}
    assert services.list_replay_jobs(store) == [done]
    with pytest.raises(NotFound):
        services.get_replay_job(store, "nope")


def test_a_failing_job_is_marked_failed(store: MemoryStorage) -> None:
    decide(store, {"age": 70, "resident": True})
    job = services.start_replay_job(store, "fishing-licence", "auditor")
    store.versions.items.clear()  # the recorded version vanished
    with pytest.raises(VersionNotFound):
        services.run_replay_job(store, job.id)
    failed = services.get_replay_job(store, job.id)
    assert failed.status == "failed" and failed.error and "VersionNotFound" in failed.error


def test_sessions_etags_and_expiry(store: MemoryStorage, clock: Clock) -> None:
    session = services.create_session(store, "fishing-licence", as_of=DAY)
    assert services.etag_matches(None, session.etag) and services.etag_matches("*", session.etag)
    assert services.etag_matches(f'"x", W/{session.etag}', session.etag)
    assert not services.etag_matches('"x"', session.etag)
    changed = services.answer(store, session.id, {"age": 70, "income": None}, session.etag)
    with pytest.raises(PreconditionFailed) as stale:
        services.forget_answer(store, session.id, "age", session.etag)
    assert stale.value.current == changed.etag
    assert services.forget_answer(store, session.id, "resident", changed.etag) == changed
    clock.now += dt.timedelta(seconds=31)
    with pytest.raises(SessionExpired):
        services.get_session(store, session.id, idle_seconds=30)
    assert services.expire_sessions(store, idle_seconds=30) == 1


def test_another_clients_session_is_not_found(store: MemoryStorage) -> None:
    session = services.create_session(store, "fishing-licence", as_of=DAY, client="bot-1")
    assert services.get_session(store, session.id, owner="bot-1") == session
    with pytest.raises(NotFound):
        services.get_session(store, session.id, owner="bot-2")
    with pytest.raises(NotFound):
        services.answer(store, session.id, {"age": 70}, None, owner="bot-2")
    with pytest.raises(NotFound):
        services.forget_answer(store, session.id, "age", None, owner="bot-2")
    with pytest.raises(NotFound):
        services.submit_session(store, session.id, "bot-2", owner="bot-2")
    assert services.get_session(store, session.id) == session  # nothing changed


def test_keys_roles(store: MemoryStorage) -> None:
    token, key = services.create_key(store, "publisher", "ci")
    assert services.authenticate(store, token) == key
    with pytest.raises(ValueError):
        services.create_key(store, "root", "x")  # type: ignore[arg-type]


def test_a_replay_cancelled_while_it_runs_keeps_what_was_done(
    store: MemoryStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eligibility.batch import partitions
    from eligibility.batch import replay as on_cluster

    for income in ("900.00", "1100.00", "1150.00", "5000.00", "700.00"):
        decide(store, {"age": 30, "income": income, "resident": True})
    services.create_draft(store, NEXT, "author")
    monkeypatch.setattr(partitions, "MIN_ROWS", 2)  # partitions of 2
    monkeypatch.setattr(on_cluster, "CANCEL_POLL_SECONDS", 0)
    job = services.start_replay_job(store, "fishing-licence", "auditor", "2025-01-01")
    done = services.run_replay_job(
        store, job.id, progress=lambda n, total: services.cancel_replay_job(store, job.id)
    )
    assert (done.status, done.processed, done.total) == ("cancelled", 2, 5)
    assert done.summary.changed == 1 and done.finished_at is not None
    assert [r["sequence"] for r in store.jobs.results(job.id)] == [1, 2]
    assert services.cancel_replay_job(store, job.id) == done  # finished: as it is
