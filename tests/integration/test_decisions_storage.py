"""Decisions on storage: record after commit, idempotency, listing, export, chain verification."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import pickle

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from cli import main
from eligibility import services
from eligibility.decisions import record as record_module
from eligibility.decisions.chain import verify_chain
from eligibility.errors import IdempotencyConflict, InvalidCursor, NotFound, NoVersionApplies
from eligibility.ports import Storage
from eligibility.records import DecisionFilter
from eligibility.storage.sql import SqlStorage
from eligibility.storage.sql.chain_reads import DOCUMENTS
from eligibility.storage.testing import bypassing_append_only

from .helpers import DAY, decide

SENIOR = {"age": 70, "resident": True}
YOUNG_POOR = {"age": 30, "income": "900.00", "resident": True}
YOUNG_RICH = {"age": 30, "income": "5000.00", "resident": True}


def test_a_decision_holds_the_evaluation_and_is_read_back(fishing_store: Storage) -> None:
    request = services.EvaluationRequest("fishing-licence", SENIOR, as_of=DAY, locales=("de",))
    recorded = services.record_decision(fishing_store, request, "client-1")
    decision = recorded.decision
    assert recorded.created and recorded.evaluation is not None
    assert (decision.ruleset_id, decision.version, decision.as_of) == (
        "fishing-licence",
        "2024-01-01",
        DAY,
    )
    assert decision.content_hash == recorded.evaluation.content_hash
    assert decision.goals["eligible"] == {"value": True, "decided": True}
    assert decision.outputs == {"reduction": "20"}  # decimals are stored as text
    assert decision.reasons["eligible"][0]["legal_reference"].startswith("Fisheries Act")
    assert {step["name"] for step in decision.trace} >= {"is_senior", "eligible"}
    assert decision.locale == "de"  # the age question has a German label
    assert decision.client == "client-1"
    assert decision.recorded_at.tzinfo is not None
    assert services.get_decision(fishing_store, decision.id) == decision


def test_unknown_decision_is_not_found(fishing_store: Storage) -> None:
    with pytest.raises(NotFound):
        services.get_decision(fishing_store, "no-such-id")


def test_no_version_no_decision(fishing_store: Storage) -> None:
    request = services.EvaluationRequest("fishing-licence", SENIOR, as_of=dt.date(1999, 1, 1))
    with pytest.raises(NoVersionApplies):
        services.record_decision(fishing_store, request, "client-1")
    assert fishing_store.decisions.head().sequence == 0


def test_idempotency_key_returns_the_same_decision(fishing_store: Storage) -> None:
    first = decide(fishing_store, SENIOR, key="retry-1")
    request = services.EvaluationRequest("fishing-licence", SENIOR, as_of=DAY)
    again = services.record_decision(fishing_store, request, "client-1", "retry-1")
    assert not again.created and again.decision == first
    other_client = services.record_decision(fishing_store, request, "client-2", "retry-1")
    assert other_client.created
    changed = services.EvaluationRequest("fishing-licence", YOUNG_POOR, as_of=DAY)
    with pytest.raises(IdempotencyConflict):
        services.record_decision(fishing_store, changed, "client-1", "retry-1")
    assert fishing_store.decisions.head().sequence == 2


def test_list_filters_and_cursor_pages(fishing_store: Storage) -> None:
    made = [decide(fishing_store, a) for a in (SENIOR, YOUNG_RICH, YOUNG_POOR, YOUNG_RICH)]
    everything = DecisionFilter()
    first = services.list_decisions(fishing_store, everything, limit=3)
    assert [d.id for d in first.items] == [d.id for d in made[:3]]
    assert first.next_cursor is not None
    second = services.list_decisions(fishing_store, everything, first.next_cursor, limit=3)
    assert [d.id for d in second.items] == [made[3].id] and second.next_cursor is None
    refused = services.list_decisions(fishing_store, DecisionFilter(eligible=False))
    assert [d.id for d in refused.items] == [made[1].id, made[3].id]
    other = services.list_decisions(fishing_store, DecisionFilter(ruleset_id="snap"))
    assert other.items == ()
    since = DecisionFilter(recorded_from=made[2].recorded_at, version="2024-01-01")
    assert [d.id for d in services.list_decisions(fishing_store, since).items] == [
        made[2].id,
        made[3].id,
    ]
    until = DecisionFilter(recorded_to=made[1].recorded_at)
    assert [d.id for d in services.list_decisions(fishing_store, until).items] == [made[0].id]
    with pytest.raises(InvalidCursor):
        services.list_decisions(fishing_store, everything, "not-a-cursor")


def test_export_jsonl_and_csv(fishing_store: Storage) -> None:
    made = [decide(fishing_store, a) for a in (SENIOR, YOUNG_RICH)]
    lines = list(services.export_decisions(fishing_store, "jsonl"))
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == [d.id for d in made]
    assert records[0]["hash"] == made[0].hash and records[1]["eligible"] is False
    rows = list(
        csv.DictReader(io.StringIO("".join(services.export_decisions(fishing_store, "csv"))))
    )
    assert [r["id"] for r in rows] == [d.id for d in made]
    assert rows[0]["eligible"] == "true" and rows[0]["goal:reduction"] == "20"
    assert list(rows[0])[11:] == [  # after the fixed columns, status the last of them
        "answer:age",
        "answer:income",
        "answer:resident",
        "goal:eligible",
        "goal:reduction",
        "reasons:eligible",
        "reasons:reduction",
        "prev_hash",
        "hash",
    ]
    assert (rows[0]["answer:age"], rows[0]["answer:income"]) == ("70", "")
    assert (rows[1]["answer:income"], rows[1]["answer:resident"]) == ("5000.00", "true")
    assert rows[1]["reasons:eligible"].endswith("(Fisheries Act § 12 (1) No. 2)")
    assert "Fisheries Act § 12 (1) No. 1" in rows[1]["reasons:eligible"]


def test_the_chain_links_every_record(fishing_store: Storage) -> None:
    made = [decide(fishing_store, a) for a in (SENIOR, YOUNG_RICH, YOUNG_POOR)]
    assert [d.sequence for d in made] == [1, 2, 3]
    assert made[1].prev_hash == made[0].hash and made[2].prev_hash == made[1].hash
    result = services.verify_audit_chain(fishing_store)
    assert result.ok and result.checked == 3
    assert str(result) == "ok (3 records)"


def _execute(store: Storage, sql: str, **params: object) -> None:
    assert isinstance(store, SqlStorage)
    with bypassing_append_only(store.db.engine) as connection:
        connection.execute(text(sql), params)


def test_editing_a_stored_field_is_detected_and_named(fishing_store: Storage) -> None:
    for answers in (SENIOR, YOUNG_RICH, YOUNG_POOR):
        decide(fishing_store, answers)
    _execute(fishing_store, "UPDATE decisions SET client = 'mallory' WHERE sequence = 2")
    result = services.verify_audit_chain(fishing_store)
    assert not result.ok and result.broken is not None
    assert result.broken.sequence == 2 and result.broken.fields == ("client",)
    assert "client" in str(result)


def test_editing_answers_json_is_detected_and_named(fishing_store: Storage) -> None:
    decide(fishing_store, SENIOR)
    forged = json.dumps({"age": 17, "resident": True})
    _execute(fishing_store, "UPDATE decisions SET answers = :a WHERE sequence = 1", a=forged)
    result = services.verify_audit_chain(fishing_store)
    assert result.broken is not None and result.broken.fields == ("answers",)


def test_the_documents_are_verified_as_stored_not_written_again(
    fishing_store: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    for answers in (SENIOR, YOUNG_RICH, YOUNG_POOR):
        decide(fishing_store, answers)
    written: list[type] = []
    writer = record_module.canonical_text

    def noted(value: object) -> str:
        written.append(type(value))
        return writer(value)

    monkeypatch.setattr(record_module, "canonical_text", noted)
    assert services.verify_audit_chain(fishing_store).ok
    # Each stored as the canonical text the append wrote (SQLite too, bound as text).
    assert [kind for kind in written if kind in (dict, list, tuple)] == []


def test_a_record_stored_in_the_json_types_own_writing_still_verifies(
    fishing_store: Storage,
) -> None:
    decide(fishing_store, SENIOR)
    decide(fishing_store, YOUNG_POOR)
    first = fishing_store.decisions.chain()[0]
    documents = {  # as SQLite's JSON type wrote them before they were stored canonical
        "answers": first.answers,
        "goals": first.goals,
        "reasons": first.reasons,
        "trace": list(first.trace),
        "ignored_answers": list(first.ignored_answers),
    }
    canonical = record_module.canonical_text
    assert [n for n, v in documents.items() if json.dumps(v) == canonical(v)] == ["ignored_answers"]
    for name, value in documents.items():
        written = json.dumps(value)  # spaces after separators, keys in their own order
        _execute(fishing_store, f"UPDATE decisions SET {name} = :t WHERE sequence = 1", t=written)
    assert services.verify_audit_chain(fishing_store).ok


def test_a_document_stored_in_another_writing_of_the_same_content_verifies(
    fishing_store: Storage,
) -> None:
    decide(fishing_store, SENIOR)
    decide(fishing_store, YOUNG_POOR)
    same = '{ "resident" : true,\n  "age": 70 }'  # spaces, key order: the same answers
    _execute(fishing_store, "UPDATE decisions SET answers = :a WHERE sequence = 1", a=same)
    assert services.verify_audit_chain(fishing_store).ok
    other = '{"resident": true, "age": 71}'
    _execute(fishing_store, "UPDATE decisions SET answers = :a WHERE sequence = 2", a=other)
    result = services.verify_audit_chain(fishing_store)
    assert result.broken is not None and (result.broken.sequence, result.broken.fields) == (
        2,
        ("answers",),
    )


def test_a_record_read_for_verification_parses_a_document_only_when_it_is_read(
    fishing_store: Storage,
) -> None:
    for answers in (SENIOR, YOUNG_POOR):
        decide(fishing_store, answers)
    records = list(fishing_store.decisions.chain())
    assert verify_chain(records).ok
    # Goals alone, for the derived column; the rest hashed as stored (either database).
    assert [name for name in DOCUMENTS if name in vars(records[0])] == ["goals"]
    first = records[0]
    stored = fishing_store.decisions.get(first.id)
    assert first == stored and stored == first and first != records[1]
    assert (first.answers, first.trace) == (stored.answers, stored.trace)
    assert pickle.loads(pickle.dumps(first)) == stored
    forged = dataclasses.replace(first, client="mallory")
    assert (forged.client, forged.reasons) == ("mallory", stored.reasons) and forged != stored
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.answers = {}  # type: ignore[misc]


def test_a_deleted_record_breaks_the_chain(fishing_store: Storage) -> None:
    for answers in (SENIOR, YOUNG_RICH, YOUNG_POOR):
        decide(fishing_store, answers)
    _execute(fishing_store, "DELETE FROM decisions WHERE sequence = 2")
    result = services.verify_audit_chain(fishing_store)
    assert result.broken is not None and result.broken.sequence == 2
    assert "records missing" in result.broken.reason
    _execute(fishing_store, "DELETE FROM decisions WHERE sequence = 3")
    truncated = services.verify_audit_chain(fishing_store)
    assert truncated.broken is not None and "chain head" in truncated.broken.reason


def test_cli_audit_verify(migrated_url: str, fishing_store: Storage) -> None:
    decide(fishing_store, SENIOR)
    decide(fishing_store, YOUNG_POOR)
    runner = CliRunner()
    good = runner.invoke(main, ["audit", "verify", "--database-url", migrated_url])
    assert good.exit_code == 0 and good.output.strip() == "ok (2 records)"
    _execute(
        fishing_store, "UPDATE decisions SET as_of = :d WHERE sequence = 2", d=DAY.replace(day=2)
    )
    bad = runner.invoke(main, ["audit", "verify", "--database-url", migrated_url])
    assert bad.exit_code == 1
    assert "broken at record #2" in bad.output and "as_of" in bad.output
