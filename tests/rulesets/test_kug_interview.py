"""The Kurzarbeitergeld interview behaves like UDO: knock-outs end it, benefit questions come last.

Each test drives an interview the way a front end does: evaluate, answer the first next
question, repeat until nothing is left to ask.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from eligibility import AnswerError, Catalogue, Evaluation, evaluate, load_paths

from .kug import (
    CLAIM_MONTHS,
    RULES,
    RULESET,
    Interview,
    governing,
    interview,
    month_after,
    plain_claim,
)

NEGATIVE_BALANCES_REQUIRED = {"2016-01-01", "2023-07-01", "2025-01-01", "2026-01-01"}
# Quorum of § 96 Abs. 1 Satz 1 Nr. 4 SGB III: one third, or 10 % under the crisis rules.
QUORUM_DENOMINATOR = {
    version: 3 if version in {"2016-01-01", "2023-07-01", "2025-01-01", "2026-01-01"} else 10
    for version in CLAIM_MONTHS
}
INCREASED_RATES = {"2020-05-29", "2021-01-01", "2022-01-01", "2022-04-01"}
# Claim months (CLAIM_MONTHS) a duration ordinance or § 421c Abs. 3 SGB III covers.
DURATION_ORDINANCE = {"2020-03-01", "2020-05-29", "2021-01-01", "2022-01-01", "2022-04-01"}
BENEFIT_QUESTIONS = {
    "has_child",
    "months_of_receipt",
    "entitlement_start_month",
    "net_target_pay",
    "net_actual_pay",
}
# From 2025 (the corrections 2025-01-01.1, 2026-01-01.1) the start of the benefit period decides
# the claim: the month claimed must lie within the period (§ 104 Abs. 1 SGB III). It is asked with
# the claim there, not as a benefit question.
PERIOD_DECIDES_CLAIM = {"2025-01-01", "2026-01-01"}


def benefit_questions(version: str) -> set[str]:
    """The questions about the benefit only, asked once the claim is decided."""
    if version in PERIOD_DECIDES_CLAIM:
        return BENEFIT_QUESTIONS - {"entitlement_start_month"}
    return BENEFIT_QUESTIONS


# What this interview's claim answers besides the plain claim.
INTERVIEW_CLAIM = {
    "notified_without_delay": True,
    "months_of_receipt": 8,
    "entitlement_start_month": dt.date(2020, 4, 1),
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.of(load_paths([RULES]))


def run_interview(catalogue: Catalogue, claim_month: dt.date, **overrides: Any) -> Interview:
    """The interview of the version covering the claim month, answered from a plain claim."""
    compiled = catalogue.covering(RULESET, claim_month)
    claim = {**INTERVIEW_CLAIM, **overrides}
    if claim_month.year >= 2025 and "entitlement_start_month" not in overrides:
        # A benefit period since April 2020 ended long before (§ 104 SGB III); from 2025, where
        # the month claimed must lie within it, this claim's period begins with that month.
        claim["entitlement_start_month"] = claim_month
    return interview(compiled, plain_claim(claim_month, **claim), claim_month)


def _reason_rules(result: Evaluation) -> set[str]:
    return {reason.rule for reason in result.goals["eligible"].reasons}


@pytest.mark.parametrize("version", sorted(CLAIM_MONTHS))
def test_each_claim_month_selects_its_version(catalogue: Catalogue, version: str) -> None:
    assert catalogue.covering(RULESET, CLAIM_MONTHS[version]).ruleset.version == governing(version)


@pytest.mark.parametrize("version", sorted(CLAIM_MONTHS))
def test_cause_other_ends_the_interview_at_once(catalogue: Catalogue, version: str) -> None:
    interview = run_interview(catalogue, CLAIM_MONTHS[version], cause="other")

    assert interview.asked == ["cause"]
    final = interview.final
    assert final is not None
    assert final.outcome["eligible"] is False
    assert final.outcome["benefit_rate"] == final.outcome["benefit_amount"] == "0"
    assert "cause_recognised" in _reason_rules(final)


@pytest.mark.parametrize("version", sorted(CLAIM_MONTHS))
def test_notification_after_the_claim_month_ends_the_interview(
    catalogue: Catalogue, version: str
) -> None:
    claim_month = CLAIM_MONTHS[version]
    interview = run_interview(catalogue, claim_month, notification_date=month_after(claim_month))

    assert interview.asked == ["cause", "claim_month", "notification_date"]
    assert interview.final is not None
    assert interview.final.outcome["eligible"] is False
    assert "notified_in_time" in _reason_rules(interview.final)


@pytest.mark.parametrize("version", sorted(CLAIM_MONTHS))
def test_negative_balances_are_asked_only_where_the_version_requires_them(
    catalogue: Catalogue, version: str
) -> None:
    interview = run_interview(catalogue, CLAIM_MONTHS[version])

    assert ("negative_balances_used" in interview.asked) == (version in NEGATIVE_BALANCES_REQUIRED)
    assert interview.final is not None
    assert interview.final.outcome["eligible"] is True


@pytest.mark.parametrize("version", sorted(CLAIM_MONTHS))
def test_benefit_questions_come_only_after_eligibility_is_decided(
    catalogue: Catalogue, version: str
) -> None:
    interview = run_interview(catalogue, CLAIM_MONTHS[version])

    benefit = [q for q in interview.asked if q in benefit_questions(version)]
    assert benefit, "a benefit question is asked in an eligible case"
    first = interview.asked.index(benefit[0])
    assert not set(interview.asked[first:]) - benefit_questions(version)
    assert all(interview.eligible_decided_when_asked[q] for q in benefit)


@pytest.mark.parametrize("version", sorted(CLAIM_MONTHS))
def test_month_of_receipt_is_asked_only_where_increased_rates_exist(
    catalogue: Catalogue, version: str
) -> None:
    interview = run_interview(catalogue, CLAIM_MONTHS[version])

    assert ("months_of_receipt" in interview.asked) == (version in INCREASED_RATES)
    # 2021: for the raised rates of § 421c Abs. 2; from 2025: the benefit period decides the claim;
    # a correction asks it for the benefit period wherever a duration ordinance covers the month.
    by_ordinance = version in DURATION_ORDINANCE and governing(version) != version
    asks_start = version == "2021-01-01" or version in PERIOD_DECIDES_CLAIM or by_ordinance
    assert ("entitlement_start_month" in interview.asked) == asks_start


def test_an_ineligible_employee_is_never_asked_the_benefit_questions(catalogue: Catalogue) -> None:
    interview = run_interview(catalogue, CLAIM_MONTHS["2020-05-29"], sickness_benefit=True)

    assert not set(interview.asked) & BENEFIT_QUESTIONS
    assert interview.final is not None
    assert interview.final.outcome["benefit_amount"] == "0"


def test_the_other_affected_employees_question_quotes_the_earlier_answer(
    catalogue: Catalogue,
) -> None:
    claim_month = CLAIM_MONTHS["2016-01-01"]
    compiled = catalogue.covering(RULESET, claim_month)
    given = {
        "cause": "economic",
        "claim_month": claim_month,
        "notification_date": claim_month,
        "employees": 30,
    }

    result = evaluate(compiled, given, as_of=claim_month, locale="de")

    first = next(q for q in result.next_questions if q.question.id == "other_affected_employees")
    assert "Wie viele Ihrer 30 Beschäftigten" in first.label
    assert "außer der Arbeitnehmerin oder dem Arbeitnehmer" in first.label
    assert first.why and first.why[0].legal_reference is not None


def test_a_full_interview_gives_the_increased_rate_and_amount(catalogue: Catalogue) -> None:
    # Eighth month of receipt, 50 % pay loss: 0.80 x (1995.41 - 1138.71) = 685.36.
    interview = run_interview(catalogue, CLAIM_MONTHS["2020-05-29"])

    assert interview.final is not None
    assert interview.final.outcome == {
        "eligible": True,
        "benefit_rate": "0.80",
        "benefit_amount": "685.36",
        "max_duration_months": 12,
    }


@pytest.mark.parametrize(
    ("answers", "question"),
    [
        # The employee considered is one of the 30: at most 29 others can be affected.
        ({"employees": 30, "other_affected_employees": 30}, "other_affected_employees"),
        ({"claim_month": dt.date(2019, 6, 15)}, "claim_month"),
    ],
)
def test_answers_that_contradict_the_checks_are_refused(
    catalogue: Catalogue, answers: dict[str, Any], question: str
) -> None:
    compiled = catalogue.covering(RULESET, CLAIM_MONTHS["2016-01-01"])

    with pytest.raises(AnswerError) as refused:
        evaluate(compiled, answers, locale="en")

    assert "/" + question in refused.value.errors


def test_all_other_employees_may_be_affected(catalogue: Catalogue) -> None:
    compiled = catalogue.covering(RULESET, CLAIM_MONTHS["2016-01-01"])

    result = evaluate(compiled, {"employees": 30, "other_affected_employees": 29}, locale="en")

    assert result.goals["eligible"].decided is False  # the cause is still open


# The "more than 10 %" threshold of § 96 Abs. 1 Satz 1 Nr. 4 at the boundary: 30 employees, one
# fewer other affected employees than the quorum needs, so the employee's own loss decides.
# A loss of exactly 10 % (3000.00 -> 2700.00) does not count; one cent more does.


def _others_one_short(version: str) -> int:
    return 30 // QUORUM_DENOMINATOR[version] - 1


@pytest.mark.parametrize("version", sorted(CLAIM_MONTHS))
def test_the_employees_pay_follows_the_establishment_figures(
    catalogue: Catalogue, version: str
) -> None:
    interview = run_interview(catalogue, CLAIM_MONTHS[version])

    # Right after the claim questions, or (corrections) after the one-answer knock-outs.
    start = interview.asked.index("employees")
    assert start == 3 or governing(version) != version
    assert interview.asked[start : start + 4] == [
        "employees",
        "other_affected_employees",
        "target_gross_pay",
        "actual_gross_pay",
    ]


@pytest.mark.parametrize("version", sorted(CLAIM_MONTHS))
def test_an_own_loss_of_exactly_10_percent_just_misses_the_quorum(
    catalogue: Catalogue, version: str
) -> None:
    interview = run_interview(
        catalogue,
        CLAIM_MONTHS[version],
        other_affected_employees=_others_one_short(version),
        actual_gross_pay="2700.00",
    )

    # A knock-out: the interview ends right after the employee's pay (which a correction asks
    # after the one-answer knock-outs, the published order right after the establishment's figures).
    assert interview.asked[-4:] == [
        "employees",
        "other_affected_employees",
        "target_gross_pay",
        "actual_gross_pay",
    ]
    assert len(interview.asked) == 7 or governing(version) != version
    final = interview.final
    assert final is not None
    assert final.outcome["eligible"] is False
    assert {"quorum_met", "employee_loss_over_10_percent"} <= _reason_rules(final)


@pytest.mark.parametrize("version", sorted(CLAIM_MONTHS))
def test_an_own_loss_just_above_10_percent_makes_up_the_quorum(
    catalogue: Catalogue, version: str
) -> None:
    interview = run_interview(
        catalogue,
        CLAIM_MONTHS[version],
        other_affected_employees=_others_one_short(version),
        actual_gross_pay="2699.99",
    )

    final = interview.final
    assert final is not None
    assert final.outcome["eligible"] is True
    assert {"employee_loss_over_10_percent", "quorum_met_with_employee"} <= _reason_rules(final)
    assert "quorum_met_by_others" not in _reason_rules(final)


@pytest.mark.parametrize("version", sorted(CLAIM_MONTHS))
def test_the_pay_is_not_asked_when_the_others_miss_the_quorum_even_with_the_employee(
    catalogue: Catalogue, version: str
) -> None:
    interview = run_interview(
        catalogue, CLAIM_MONTHS[version], other_affected_employees=_others_one_short(version) - 1
    )

    assert interview.asked[-2:] == ["employees", "other_affected_employees"]
    assert interview.final is not None
    assert interview.final.outcome["eligible"] is False
