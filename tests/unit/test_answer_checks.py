"""Checks between answers: refused only when definitely false, naming every question concerned."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from eligibility import AnswerError, CompiledRuleSet, RuleSetError, evaluate
from eligibility.answer_checks import today
from eligibility.scenarios import run_scenarios

from .support import build

MESSAGE = {"en": "The net actual pay cannot exceed the net target pay.", "de": "Nicht höher."}
QUESTIONS: dict[str, Any] = {
    "target": {"type": "decimal", "label": "Target?"},
    "actual": {"type": "decimal", "label": "Actual?"},
    "net_target": {"type": "decimal", "label": "Net target?"},
    "net_actual": {
        "type": "decimal",
        "label": "Net actual?",
        # Through a derived value: the gross pays are concerned too.
        "checks": [{"when": "net_actual <= net_target or actual_above_target", "message": MESSAGE}],
    },
    "notified": {
        "type": "date",
        "label": "Notified on?",
        "checks": [
            {"when": "notified <= today", "message": {"en": "Not yet.", "de": "Noch nicht."}}
        ],
    },
}


@pytest.fixture(scope="module")
def pay() -> CompiledRuleSet:
    return build(
        questions=QUESTIONS,
        derived={"actual_above_target": {"value": "actual > target"}},
        rules={},
        goals={
            "eligible": {"type": "boolean", "value": "true"},
            "amount": {"type": "decimal", "value": "net_target - net_actual"},
        },
    )


def test_a_definitely_false_check_names_every_question_it_reads_through_derived_values(
    pay: CompiledRuleSet,
) -> None:
    answers = {"target": "3000", "actual": "1500", "net_target": "1900", "net_actual": "2000"}
    with pytest.raises(AnswerError) as caught:
        evaluate(pay, answers, locale="en")
    assert caught.value.errors == {
        f"/{q}": [MESSAGE["en"]] for q in ("net_actual", "net_target", "actual", "target")
    }


def test_an_unknown_part_is_never_refused(pay: CompiledRuleSet) -> None:
    # Without the gross pays the check is UNKNOWN, not false: nothing is refused.
    result = evaluate(pay, {"net_target": "1900", "net_actual": "2000"})
    assert result.outcome["amount"] == "-100"
    # A true part decides the `or`: an actual pay above the target allows it.
    answers = {"target": "3000", "actual": "3100", "net_target": "1900", "net_actual": "2000"}
    assert evaluate(pay, answers).outcome["amount"] == "-100"


def test_checks_read_today_the_day_the_claim_is_made(pay: CompiledRuleSet) -> None:
    day = dt.date(2026, 3, 10)
    assert evaluate(pay, {"notified": day}, today=day).complete is False
    with pytest.raises(AnswerError) as caught:
        evaluate(pay, {"notified": day + dt.timedelta(days=1)}, today=day, locale="de")
    assert caught.value.errors == {"/notified": ["Noch nicht."]}
    # By default today is the day in the earliest time zone: nobody's today is later.
    assert today() >= dt.datetime.now(dt.UTC).date()
    evaluate(pay, {"notified": dt.datetime.now(dt.UTC).date()})


def test_only_checks_may_read_today() -> None:
    with pytest.raises(RuleSetError, match="today"):
        build(goals={"eligible": {"type": "boolean", "value": "today > as_of"}})


def test_scenarios_pin_the_questions_refused() -> None:
    refused = {"net_target": "1900", "net_actual": "2000", "target": "3000", "actual": "1500"}
    scenarios = [
        {
            "name": "refused as expected",
            "answers": refused,
            "expect_refused": ["net_actual", "net_target", "target", "actual"],
        },
        {"name": "names too few", "answers": refused, "expect_refused": ["net_actual"]},
        {"name": "accepted", "answers": {"net_actual": "1"}, "expect_refused": ["net_actual"]},
        {
            "name": "notified tomorrow",
            "answers": {"notified": "2020-03-02"},
            "today": "2020-03-01",
            "expect_refused": ["notified"],
        },
    ]
    version = build(
        questions=QUESTIONS,
        derived={"actual_above_target": {"value": "actual > target"}},
        rules={},
        goals={"eligible": {"type": "boolean", "value": "true"}},
        scenarios=scenarios,
    )
    results = run_scenarios(version, version.ruleset, engine="pure")
    assert [r.passed for r in results] == [True, False, False, True]
    assert results[1].mismatches[0].actual == ["actual", "net_actual", "net_target", "target"]
    assert results[2].mismatches[0].actual == "accepted"


def test_a_refused_scenario_expects_nothing_else() -> None:
    scenario = {
        "name": "x",
        "answers": {},
        "expect": {"eligible": True},
        "expect_refused": ["target"],
    }
    with pytest.raises(RuleSetError, match="expect_refused"):
        build(
            questions=QUESTIONS,
            rules={},
            goals={"eligible": {"type": "boolean", "value": "true"}},
            scenarios=[scenario],
        )
    with pytest.raises(RuleSetError, match="expect_refused"):
        build(scenarios=[{"name": "y", "answers": {}}])
