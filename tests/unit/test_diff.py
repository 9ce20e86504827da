"""diff_documents on canonical documents: fields by path, absent vs null, nothing left out."""

from __future__ import annotations

from eligibility.diff import ABSENT, Change, diff_documents


def test_a_field_the_diff_does_not_know_yet_is_still_compared() -> None:
    before = {"ruleset": "x", "version": "1", "future_field": {"a": 1}}
    after = {"ruleset": "x", "version": "2", "future_field": {"a": 2}}
    assert diff_documents(before, after) == [
        Change("version", "future_field", "changed", {"future_field.a": (1, 2)})
    ]


def test_a_written_null_differs_from_an_absent_field() -> None:
    before = {"scenarios": [{"name": "s", "expect": {"eligible": None}}]}
    after = {"scenarios": [{"name": "s", "expect": {}}]}
    (change,) = diff_documents(before, after)
    assert change.fields == {"expect.eligible": (None, ABSENT)}


def test_the_claims_date_and_the_entity_are_version_fields() -> None:
    before = {"dated_by": {"question": "claim_month", "period": "month"}}
    after = {"dated_by": {"question": "claim_month", "period": "day"}, "entity": "household"}
    assert [(c.id, c.fields) for c in diff_documents(before, after)] == [
        ("dated_by", {"dated_by.period": ("month", "day")}),
        ("entity", {"entity": (ABSENT, "household")}),
    ]
