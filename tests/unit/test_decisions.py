"""Decision records: canonical content, the hash chain, verification and replay differences."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import Any

import pytest

from eligibility import CompiledRuleSet, evaluate
from eligibility.decisions import (
    GENESIS,
    ChainHead,
    Decision,
    DecisionDraft,
    differences,
    replay,
    seal,
    verify_chain,
)
from eligibility.values_io import canonical_json

T0 = dt.datetime(2024, 5, 1, 9, 30, 0, 123456, tzinfo=dt.UTC)
DAY = dt.date(2024, 5, 1)
ANSWERS: list[dict[str, Any]] = [
    {"age": 70, "resident": True},
    {"age": 30, "income": "900.00", "resident": True},
    {"age": 30, "income": "unknown", "resident": True},
]


def draft(fishing: CompiledRuleSet, answers: dict[str, Any], n: int = 0) -> DecisionDraft:
    evaluation = evaluate(fishing, answers, as_of=DAY, with_trace=True)
    return DecisionDraft.from_evaluation(f"d-{n}", evaluation, "client-1", "f" * 64)


def chain(fishing: CompiledRuleSet) -> list[Decision]:
    records: list[Decision] = []
    for n, answers in enumerate(ANSWERS):
        prev = records[-1].hash if records else GENESIS
        records.append(seal(draft(fishing, answers, n), n + 1, prev, T0))
    return records


def test_sealing_hashes_previous_hash_and_canonical_content(fishing: CompiledRuleSet) -> None:
    record = seal(draft(fishing, ANSWERS[0]), 1, GENESIS, T0)
    text = GENESIS + canonical_json(record.content())
    assert record.hash == hashlib.sha256(text.encode()).hexdigest()
    assert record.content()["recorded_at"] == "2024-05-01T09:30:00.123456+00:00"
    assert record.content()["goals"]["reduction"] == {"value": "20", "decided": True}
    assert set(record.field_digests) == set(record.content())


def test_the_hash_does_not_depend_on_the_time_zone_written(fishing: CompiledRuleSet) -> None:
    berlin = dt.timezone(dt.timedelta(hours=2))
    one = seal(draft(fishing, ANSWERS[0]), 1, GENESIS, T0)
    other = seal(draft(fishing, ANSWERS[0]), 1, GENESIS, T0.astimezone(berlin))
    assert one.hash == other.hash


def test_decision_views(fishing: CompiledRuleSet) -> None:
    decided, open_ = chain(fishing)[0], chain(fishing)[2]
    assert decided.eligible is True and decided.outputs == {"reduction": "20"}
    assert open_.eligible is None and open_.outputs == {"reduction": None}
    assert open_.answers["income"] == "unknown"
    assert decided.to_dict()["eligible"] is True and decided.to_dict()["hash"] == decided.hash


def test_an_intact_chain_verifies(fishing: CompiledRuleSet) -> None:
    records = chain(fishing)
    result = verify_chain(records, ChainHead(3, records[-1].hash))
    assert result.ok and result.checked == 3 and str(result) == "ok (3 records)"
    assert verify_chain([]).ok


def test_an_edited_field_is_named(fishing: CompiledRuleSet) -> None:
    records = chain(fishing)
    records[1] = dataclasses.replace(records[1], answers={**records[1].answers, "age": 31})
    result = verify_chain(records)
    assert result.broken is not None
    assert (result.broken.sequence, result.broken.fields) == (2, ("answers",))
    assert "changed after it was recorded: answers" in str(result)


def test_an_edited_field_with_forged_digest_fails_on_the_hash(fishing: CompiledRuleSet) -> None:
    records = chain(fishing)
    forged = dataclasses.replace(records[0], client="mallory")
    records[0] = dataclasses.replace(forged, field_digests=forged.digests())
    result = verify_chain(records)
    assert result.broken is not None and result.broken.fields == ("hash",)


def test_a_rewritten_and_rehashed_record_is_named_not_its_successor(
    fishing: CompiledRuleSet,
) -> None:
    records = chain(fishing)
    forged = dataclasses.replace(records[0], client="mallory")
    records[0] = dataclasses.replace(
        forged, field_digests=forged.digests(), hash=forged.computed_hash()
    )
    result = verify_chain(records)
    assert result.broken is not None
    assert (result.broken.sequence, result.broken.id, result.broken.fields) == (
        1,
        "d-0",
        ("hash",),
    )
    assert "rewritten and re-hashed" in result.broken.reason


def test_an_edited_link_is_named_at_the_record_holding_it(fishing: CompiledRuleSet) -> None:
    records = chain(fishing)
    records[1] = dataclasses.replace(records[1], prev_hash="a" * 64)
    result = verify_chain(records)
    assert result.broken is not None
    assert (result.broken.sequence, result.broken.fields) == (2, ("prev_hash",))


def test_a_missing_record_is_reported_at_its_own_number(fishing: CompiledRuleSet) -> None:
    records = chain(fishing)
    result = verify_chain([records[0], records[2]])
    assert result.broken is not None and result.broken.sequence == 2
    assert result.broken.id is None and "record #2 is missing" in result.broken.reason
    assert str(result).startswith("broken at record #2: ")


def test_edited_field_digests_are_named(fishing: CompiledRuleSet) -> None:
    records = chain(fishing)
    records[2] = dataclasses.replace(records[2], field_digests={"answers": "0" * 64})
    result = verify_chain(records)
    assert result.broken is not None
    assert (result.broken.sequence, result.broken.fields) == (3, ("field_digests",))


def test_a_derived_column_that_disagrees_with_the_outcome_is_named(
    fishing: CompiledRuleSet,
) -> None:
    records = chain(fishing)
    assert records[0].eligible is True
    records[0] = dataclasses.replace(records[0], stored_columns={"eligible": False})
    result = verify_chain(records)
    assert result.broken is not None
    assert (result.broken.sequence, result.broken.fields) == (1, ("eligible",))
    assert "eligible is stored as false but the recorded outcome says true" in str(result)
    records[0] = dataclasses.replace(records[0], stored_columns={"eligible": True})
    assert verify_chain(records).ok


@pytest.mark.parametrize(
    ("keep", "reason"),
    [((0, 2), "records missing"), ((0, 1, 1), "duplicate")],
)
def test_gaps_and_duplicates(fishing: CompiledRuleSet, keep: tuple[int, ...], reason: str) -> None:
    records = chain(fishing)
    result = verify_chain([records[i] for i in keep])
    assert result.broken is not None and reason in result.broken.reason


def test_a_truncated_chain_disagrees_with_its_head(fishing: CompiledRuleSet) -> None:
    records = chain(fishing)
    result = verify_chain(records[:2], ChainHead(3, records[2].hash))
    assert result.broken is not None and result.broken.fields == ("head",)
    assert "chain head says #3" in result.broken.reason


def test_replay_under_the_same_version_is_identical(fishing: CompiledRuleSet) -> None:
    for record in chain(fishing):
        result = replay(record, fishing)
        assert result.identical and result.differences == ()
        assert result.to_dict()["identical"] is True


def test_replay_reports_a_tampered_outcome_path_by_path(fishing: CompiledRuleSet) -> None:
    record = chain(fishing)[0]
    goals = {**record.goals, "reduction": {"value": "25", "decided": True}}
    result = replay(dataclasses.replace(record, goals=goals), fishing)
    assert not result.identical
    assert [(d.path, d.recorded, d.replayed) for d in result.differences] == [
        ("goals.reduction.value", "25", "20")
    ]
    assert result.goal_changes == {"reduction": ("25", "20")}


def test_replay_with_answers_that_no_longer_fit(fishing: CompiledRuleSet) -> None:
    record = dataclasses.replace(chain(fishing)[0], answers={"age": "seventy"})
    result = replay(record, fishing)
    assert not result.identical and result.error is not None and "AnswerError" in result.error


def test_differences_recurse_into_mappings_and_compare_lists_whole() -> None:
    recorded = {"a": {"b": 1, "c": [1, 2]}, "gone": 1}
    replayed = {"a": {"b": 2, "c": [2, 1]}, "new": 1}
    assert [(d.path, d.recorded, d.replayed) for d in differences(recorded, replayed)] == [
        ("a.b", 1, 2),
        ("a.c", [1, 2], [2, 1]),
        ("gone", 1, None),
        ("new", None, 1),
    ]


def test_records_made_before_statuses_are_hashed_as_they_were() -> None:
    from eligibility.decisions.record import CONTENT_FIELDS, LATER_FIELDS

    old = Decision(
        id="d1",
        ruleset_id="r",
        version="1",
        content_hash="0" * 64,
        as_of=dt.date(2024, 1, 1),
        locale="en",
        answers={},
        goals={"eligible": {"value": None, "decided": False}},
        reasons={},
        trace=(),
        ignored_answers=(),
        client="c",
        request_hash="h",
    )
    assert old.status is None
    assert list(old.content()) == [f for f in CONTENT_FIELDS if f not in LATER_FIELDS]
    sealed = dataclasses.replace(old, status="incomplete")
    assert sealed.content()["status"] == "incomplete"
    assert sealed.computed_hash() != old.computed_hash()
    submitted = dataclasses.replace(old, session_id="s1")
    assert submitted.content()["session_id"] == "s1"
    assert submitted.computed_hash() != old.computed_hash()
