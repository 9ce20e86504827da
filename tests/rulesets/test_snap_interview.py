"""The SNAP interview asks what a caseworker would: nothing that cannot change the outcome.

Each test drives an interview the way a front end does: evaluate, answer the first next
question, repeat until nothing is left to ask. The households and their amounts are those
of the hand-computed scenarios in rules/snap/.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from eligibility import AnswerError, Catalogue, Evaluation, evaluate, load_paths

RULES = Path(__file__).resolve().parents[2] / "rules" / "snap"
RULESET = "snap"
BEFORE_EMERGENCY = dt.date(2020, 1, 15)
DURING_EMERGENCY = dt.date(2020, 4, 15)
FIRST_QUESTIONS = ["state", "household_size", "has_elderly_or_disabled_member"]

# UT family of three (scenario "UT family of three with earnings"): 332, or 509 with
# emergency allotments.
UT_FAMILY: dict[str, Any] = {
    "state": "UT",
    "household_size": 3,
    "has_elderly_or_disabled_member": False,
    "earned_income_monthly": "1500.00",
    "unearned_income_monthly": "0",
    "assets": "1000.00",
    "dependent_care_costs_monthly": "0",
    "medical_expenses_monthly": "0",
    "child_support_paid_monthly": "0",
    "rent_or_mortgage_monthly": "600.00",
    "homeowners_insurance_and_taxes_monthly": "0",
    "utility_allowance": "HEATING_AND_COOLING",
}
# IL elderly person with medical expenses of 250 (scenario "... above 200 ..."): 131.
IL_ELDERLY: dict[str, Any] = {
    "state": "IL",
    "household_size": 1,
    "has_elderly_or_disabled_member": True,
    "earned_income_monthly": "0",
    "unearned_income_monthly": "900.00",
    "assets": "50000.00",
    "dependent_care_costs_monthly": "0",
    "medical_expenses_monthly": "250.00",
    "child_support_paid_monthly": "0",
    "rent_or_mortgage_monthly": "100.00",
    "homeowners_insurance_and_taxes_monthly": "0",
    "utility_allowance": "HEATING_AND_COOLING",
}
# VT family of four with dependent care (scenario "... shelter capped at 569"): 420.
VT_FAMILY: dict[str, Any] = {
    "state": "VT",
    "household_size": 4,
    "has_elderly_or_disabled_member": False,
    "earned_income_monthly": "2000.00",
    "unearned_income_monthly": "300.00",
    "assets": "50000.00",
    "dependent_care_costs_monthly": "400.00",
    "medical_expenses_monthly": "500.00",
    "child_support_paid_monthly": "0",
    "rent_or_mortgage_monthly": "900.00",
    "homeowners_insurance_and_taxes_monthly": "0",
    "utility_allowance": "HEATING_AND_COOLING",
}


@dataclass
class Interview:
    """The questions asked in order and the final evaluation."""

    asked: list[str] = field(default_factory=list)
    final: Evaluation | None = None

    @property
    def outcome(self) -> dict[str, Any]:
        assert self.final is not None
        return self.final.outcome


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.of(load_paths([RULES]))


def run_interview(
    catalogue: Catalogue,
    script: dict[str, Any],
    as_of: dt.date = BEFORE_EMERGENCY,
    locale: str = "en",
) -> Interview:
    """Answer the first next question from `script` until none is left (at most 20 rounds)."""
    compiled = catalogue.covering(RULESET, as_of)
    interview = Interview()
    given: dict[str, Any] = {}
    for _ in range(20):
        result = evaluate(compiled, given, as_of=as_of, locale=locale)
        if not result.next_questions:
            assert result.complete, "no question left but goals undecided"
            interview.final = result
            return interview
        question = result.next_questions[0].question.id
        assert question not in given, f"{question} asked twice"
        interview.asked.append(question)
        given[question] = script[question]
    raise AssertionError(f"the interview did not end: {interview.asked}")


def benefit(interview: Interview) -> Decimal:
    return Decimal(str(interview.outcome["estimated_monthly_benefit"]))


def _reason_rules(result: Evaluation) -> set[str]:
    return {reason.rule for reason in result.goals["eligible"].reasons}


@pytest.mark.parametrize("script", [UT_FAMILY, IL_ELDERLY, VT_FAMILY], ids=["UT", "IL", "VT"])
def test_state_size_and_elderly_member_are_asked_first(
    catalogue: Catalogue, script: dict[str, Any]
) -> None:
    interview = run_interview(catalogue, script)

    assert interview.asked[:3] == FIRST_QUESTIONS


def test_a_complete_interview_reaches_the_hand_computed_benefit(catalogue: Catalogue) -> None:
    interview = run_interview(catalogue, UT_FAMILY)

    assert interview.outcome["eligible"] is True
    assert benefit(interview) == 332
    assert interview.final is not None
    assert interview.final.ignored_answers == ()


@pytest.mark.parametrize("script", [UT_FAMILY, VT_FAMILY], ids=["UT", "VT"])
def test_medical_expenses_are_not_asked_without_an_elderly_or_disabled_member(
    catalogue: Catalogue, script: dict[str, Any]
) -> None:
    interview = run_interview(catalogue, script)

    assert "medical_expenses_monthly" not in interview.asked


def test_medical_expenses_are_asked_with_an_elderly_or_disabled_member(
    catalogue: Catalogue,
) -> None:
    interview = run_interview(catalogue, IL_ELDERLY)

    assert "medical_expenses_monthly" in interview.asked
    assert benefit(interview) == 131


@pytest.mark.parametrize(
    ("script", "asks_assets"),
    [(UT_FAMILY, True), (IL_ELDERLY, False), (VT_FAMILY, False)],
    ids=["UT", "IL", "VT"],
)
def test_assets_are_asked_only_where_the_state_has_an_asset_limit(
    catalogue: Catalogue, script: dict[str, Any], asks_assets: bool
) -> None:
    interview = run_interview(catalogue, script)

    assert ("assets" in interview.asked) is asks_assets


def test_assets_come_right_after_income_in_utah(catalogue: Catalogue) -> None:
    interview = run_interview(catalogue, UT_FAMILY)

    assert interview.asked[3:6] == [
        "earned_income_monthly",
        "unearned_income_monthly",
        "assets",
    ]


def test_gross_income_too_high_ends_the_interview(catalogue: Catalogue) -> None:
    # UT, 1 person: the limit is round(1.30 × 1041) = 1353; 1353 is not below it.
    script = {**UT_FAMILY, "household_size": 1, "earned_income_monthly": "1353.00"}

    interview = run_interview(catalogue, script)

    assert interview.asked == [*FIRST_QUESTIONS, "earned_income_monthly", "unearned_income_monthly"]
    assert interview.outcome["eligible"] is False
    assert benefit(interview) == 0
    assert interview.final is not None
    reasons = _reason_rules(interview.final)
    assert {"gross_income_test_waived", "gross_income_below_limit"} <= reasons


def test_illinois_needs_the_child_support_paid_before_the_gross_income_test(
    catalogue: Catalogue,
) -> None:
    # IL, 3 people: the limit is round(1.65 × 1778) = 2934; 3000 − 0 is not below it.
    script = {**IL_ELDERLY, "household_size": 3, "has_elderly_or_disabled_member": False}
    script["earned_income_monthly"] = "3000.00"
    script["unearned_income_monthly"] = "0"

    interview = run_interview(catalogue, script)

    assert interview.asked[-1] == "child_support_paid_monthly"
    assert "assets" not in interview.asked
    assert interview.outcome["eligible"] is False
    assert benefit(interview) == 0


def test_assets_above_the_limit_end_the_interview(catalogue: Catalogue) -> None:
    script = {**UT_FAMILY, "assets": "2250.01"}

    interview = run_interview(catalogue, script)

    assert interview.asked[-1] == "assets"
    assert interview.outcome == {"eligible": False, "estimated_monthly_benefit": "0"}
    assert interview.final is not None
    assert "assets_within_limit" in _reason_rules(interview.final)


@pytest.mark.parametrize("script", [IL_ELDERLY, VT_FAMILY], ids=["IL", "VT"])
def test_the_reasons_say_the_state_has_no_asset_test(
    catalogue: Catalogue, script: dict[str, Any]
) -> None:
    interview = run_interview(catalogue, script)

    assert interview.final is not None
    reasons = {r.rule: r for r in interview.final.goals["eligible"].reasons}
    assert reasons["asset_test_applies"].value is False
    assert "assets_within_limit" not in reasons


def test_an_elderly_household_in_utah_has_the_higher_asset_limit(catalogue: Catalogue) -> None:
    script = {**UT_FAMILY, "has_elderly_or_disabled_member": True, "assets": "3500.00"}

    interview = run_interview(catalogue, script)

    assert interview.outcome["eligible"] is True


def test_a_decided_household_is_asked_nothing_more(catalogue: Catalogue) -> None:
    compiled = catalogue.covering(RULESET, BEFORE_EMERGENCY)
    answers = {
        "state": "VT",
        "household_size": 2,
        "has_elderly_or_disabled_member": False,
        "earned_income_monthly": "2000.00",
        "unearned_income_monthly": "609.00",  # at the limit of 2609 (1.85 x 1410, 50 cents up)
    }

    result = evaluate(compiled, answers, as_of=BEFORE_EMERGENCY)

    assert result.complete
    assert result.next_questions == ()
    assert result.outcome == {"eligible": False, "estimated_monthly_benefit": "0"}


def test_answers_that_no_longer_matter_are_ignored(catalogue: Catalogue) -> None:
    compiled = catalogue.covering(RULESET, BEFORE_EMERGENCY)
    answers = {**VT_FAMILY, "assets": "1.00", "medical_expenses_monthly": "100.00"}

    result = evaluate(compiled, answers, as_of=BEFORE_EMERGENCY)

    assert set(result.ignored_answers) == {"assets", "medical_expenses_monthly"}
    assert Decimal(str(result.outcome["estimated_monthly_benefit"])) == 420


@pytest.mark.parametrize("state", ["UT", "VT"])
def test_a_utility_allowance_the_state_does_not_have_is_refused(
    catalogue: Catalogue, state: str
) -> None:
    compiled = catalogue.covering(RULESET, BEFORE_EMERGENCY)
    answers = {**UT_FAMILY, "state": state, "utility_allowance": "SINGLE_UTILITY_ALLOWANCE"}

    with pytest.raises(AnswerError) as raised:
        evaluate(compiled, answers, as_of=BEFORE_EMERGENCY)

    # The allowance or the state may be the wrong answer: both are named.
    assert list(raised.value.errors) == ["/utility_allowance", "/state"]
    assert state in raised.value.errors["/utility_allowance"][0]


def test_illinois_has_a_single_utility_allowance(catalogue: Catalogue) -> None:
    compiled = catalogue.covering(RULESET, BEFORE_EMERGENCY)
    answers = {**IL_ELDERLY, "utility_allowance": "SINGLE_UTILITY_ALLOWANCE"}

    result = evaluate(compiled, answers, as_of=BEFORE_EMERGENCY)

    assert result.outcome["eligible"] is True


@pytest.mark.parametrize(
    ("as_of", "version", "expected"),
    [
        (dt.date(2019, 10, 1), "2019-10-01.1", 332),  # the corrections govern FY2020
        (dt.date(2020, 2, 29), "2019-10-01.1", 332),
        (dt.date(2020, 3, 1), "2020-03-01.1", 509),
        (dt.date(2020, 9, 30), "2020-03-01.1", 509),
    ],
)
def test_emergency_allotments_give_the_maximum_allotment_from_march_2020(
    catalogue: Catalogue, as_of: dt.date, version: str, expected: int
) -> None:
    assert catalogue.covering(RULESET, as_of).ruleset.version == version

    interview = run_interview(catalogue, UT_FAMILY, as_of=as_of)

    assert benefit(interview) == expected


def test_emergency_allotments_do_not_change_who_is_asked_what(catalogue: Catalogue) -> None:
    before = run_interview(catalogue, UT_FAMILY, as_of=BEFORE_EMERGENCY)
    during = run_interview(catalogue, UT_FAMILY, as_of=DURING_EMERGENCY)

    assert before.asked == during.asked


def test_questions_and_reasons_are_worded_in_spanish(catalogue: Catalogue) -> None:
    compiled = catalogue.covering(RULESET, BEFORE_EMERGENCY)

    result = evaluate(compiled, {}, as_of=BEFORE_EMERGENCY, locale="es")

    assert result.next_questions[0].label == "¿En qué estado vive?"
    assert dict(result.next_questions[0].options)["VT"] == "Vermont"
