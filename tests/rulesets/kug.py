"""The Kurzarbeitergeld rule set in tests: claim months by version, a plain claim, an interview."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eligibility import CompiledRuleSet, Evaluation, evaluate

RULES = Path(__file__).resolve().parents[2] / "rules" / "kurzarbeitergeld"
RULESET = "kurzarbeitergeld"

# One claim month per version, with the version it must select.
CLAIM_MONTHS = {
    "2016-01-01": dt.date(2019, 6, 1),
    "2020-03-01": dt.date(2020, 4, 1),
    "2020-05-29": dt.date(2020, 10, 1),
    "2021-01-01": dt.date(2021, 2, 1),
    "2022-01-01": dt.date(2022, 2, 1),
    "2022-04-01": dt.date(2022, 5, 1),
    "2022-07-01": dt.date(2022, 11, 1),
    "2023-07-01": dt.date(2023, 9, 1),
    "2025-01-01": dt.date(2025, 3, 1),
    "2026-01-01": dt.date(2026, 2, 1),
}

# The windows whose published correction `<version>.1` governs them in place of the original
# (reviewed: every scenario passes and every outcome is exercised): all ten.
CORRECTED = frozenset(CLAIM_MONTHS)


def governing(version: str) -> str:
    """The version that decides the claim months of `version`'s window."""
    return f"{version}.1" if version in CORRECTED else version


def known(compiled: CompiledRuleSet, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers to questions the version asks (a correction removes those its law lacks)."""
    return {q: a for q, a in answers.items() if q in compiled.ruleset.question_ids}


def month_after(month: dt.date) -> dt.date:
    """The first day of the month after `month`'s."""
    return (month + dt.timedelta(days=31)).replace(day=1)


def plain_claim(claim_month: dt.date, **changes: Any) -> dict[str, Any]:
    """A plain eligible claim: economic loss, 50 % pay loss, one third affected.

    One third of 30 is 10: 9 other employees and the employee considered, who counts towards
    the quorum because their own loss (50 %) is more than 10 %.
    """
    return {
        "cause": "economic",
        "claim_month": claim_month,
        "notification_date": claim_month + dt.timedelta(days=4),
        "employees": 30,
        "other_affected_employees": 9,
        "loss_temporary": True,
        "loss_customary": False,
        "leave_used": True,
        "working_time_credits_used": True,
        "negative_balances_used": True,
        "employment_continued": True,
        "employment_terminated": False,
        "sickness_benefit": False,
        "training_with_benefit": False,
        "refused_cooperation": False,
        "agency_worker": False,
        "target_gross_pay": "3000.00",
        "actual_gross_pay": "1500.00",
        "has_child": False,
        "months_of_receipt": 1,
        "entitlement_start_month": claim_month,
        "net_target_pay": "1995.41",
        "net_actual_pay": "1138.71",
        **changes,
    }


@dataclass
class Interview:
    """The questions asked in order, whether `eligible` was decided when each was asked."""

    asked: list[str]
    eligible_decided_when_asked: dict[str, bool]
    final: Evaluation


def interview(compiled: CompiledRuleSet, script: dict[str, Any], as_of: dt.date) -> Interview:
    """Answer the first next question from `script` until none is left (at most 40 rounds)."""
    given: dict[str, Any] = {}
    asked: list[str] = []
    decided: dict[str, bool] = {}
    for _ in range(40):
        result = evaluate(compiled, given, as_of=as_of, locale="en")
        if not result.next_questions:
            assert result.complete, "no question left but goals undecided"
            return Interview(asked, decided, result)
        question = result.next_questions[0].question.id
        assert question not in given, f"{question} asked twice"
        asked.append(question)
        decided[question] = result.goals["eligible"].decided
        given[question] = script[question]
    raise AssertionError(f"the interview did not end: {asked}")
