"""Sealing from prepared text gives exactly the hash and digests the content defines."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from eligibility import CompiledRuleSet, evaluate
from eligibility.decisions import GENESIS, Decision, DecisionDraft
from eligibility.decisions.sealing import SLOTS, PreparedDraft, canonical_text
from eligibility.values_io import canonical_json

T0 = dt.datetime(2024, 5, 1, 9, 30, 0, 123456, tzinfo=dt.UTC)
DAY = dt.date(2024, 5, 1)


def _draft(fishing: CompiledRuleSet, **changes: object) -> DecisionDraft:
    evaluation = evaluate(fishing, {"age": 70, "resident": True}, as_of=DAY, with_trace=True)
    made = DecisionDraft.from_evaluation("d-1", evaluation, "client-1", "f" * 64)
    return dataclasses.replace(made, **changes)  # type: ignore[arg-type]


def _reference(record: Decision) -> tuple[str, dict[str, str]]:
    """The hash and digests as the content defines them: its canonical JSON, field by field."""
    content = record.content()
    digests = {name: _sha256(canonical_json(value)) for name, value in content.items()}
    return _sha256(record.prev_hash + canonical_json(content)), digests


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"session_id": "s-1", "idempotency_key": "k-1"},
        {"status": None},  # a record from before statuses: the field stays out of the content
        {"answers": {"name": 'Zoë ✓ "quoted"', "age": 70}},
        {"answers": {"amount": Decimal("12.50"), "born": dt.date(1950, 1, 2)}},  # not plain
    ],
)
def test_a_prepared_seal_matches_the_content(fishing: CompiledRuleSet, changes: dict) -> None:
    prepared = PreparedDraft.of(_draft(fishing, **changes))
    record = prepared.seal(7, "a" * 64, T0)
    assert (record.hash, dict(record.field_digests)) == _reference(record)
    # verification's own work (each field written once, joined for the hash) agrees
    assert (record.computed_hash(), record.digests()) == _reference(record)
    assert record.sequence == 7 and record.prev_hash == "a" * 64 and record.recorded_at == T0


def test_the_halves_join_around_the_sequence_number(fishing: CompiledRuleSet) -> None:
    record = PreparedDraft.of(_draft(fishing)).seal(12, GENESIS, T0)
    halves = PreparedDraft.of(_draft(fishing)).halves(T0)
    assert halves.left + "12" + halves.right == canonical_json(record.content())
    assert halves.hash(GENESIS, 12) == record.hash


@pytest.mark.parametrize("changes", [{}, {"session_id": "s-1", "idempotency_key": "k-1"}])
def test_the_frame_joins_the_documents_and_the_sequence_number(
    fishing: CompiledRuleSet, changes: dict
) -> None:
    """What a store joins (glue, each document's own text, the sequence) is the content."""
    prepared = PreparedDraft.of(_draft(fishing, **changes))
    record = prepared.seal(12, GENESIS, T0)
    frame = prepared.frame(T0)
    slots = dict(zip([n for n in SLOTS if n != "sequence"], frame.documents, strict=True))
    slots["sequence"] = "12"
    joined = "".join(glue + slots[name] for glue, name in zip(frame.glue, SLOTS, strict=False))
    assert joined + frame.glue[-1] == canonical_json(record.content())
    assert slots["trace"] == prepared.texts["trace"] and len(frame.glue) == len(SLOTS) + 1


def test_canonical_text_is_canonical_json() -> None:
    value = {"b": [1, (2, 3)], "a": {"z": None, "y": "ä"}, "c": Decimal("1.10")}
    assert canonical_text(value) == canonical_json(value)
