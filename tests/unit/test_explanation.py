"""What each undecided goal still needs (one relevance walk per goal), and reasons once."""

from __future__ import annotations

import datetime as dt

from eligibility import CompiledRuleSet
from eligibility.evaluation import evaluate
from eligibility.explanation import missing_by_goal, new_reasons

from .support import build

DAY = dt.date(2024, 1, 1)
QUESTIONS = {
    "age": {"type": "integer", "min": 0, "label": "Age?"},
    "resident": {"type": "boolean", "label": "Resident?"},
    "income": {"type": "decimal", "min": 0, "allow_unknown": True, "label": "Income?"},
    "children": {"type": "integer", "min": 0, "label": "Children?"},
}
RULES = {
    "senior": {"when": "age >= 65", "legal_reference": "Act § 1"},
    "poor": {"when": "income <= 1000", "legal_reference": "Act § 2"},
    "lives_here": {"when": "resident", "legal_reference": "Act § 3"},
}
GOALS = {
    "eligible": {"type": "boolean", "value": "lives_here and (senior or poor)"},
    "amount": {"type": "decimal", "value": "if eligible then 10 * children else 0"},
    "senior_rate": {"type": "boolean", "value": "senior"},
}


def compiled() -> CompiledRuleSet:
    return build(questions=QUESTIONS, rules=RULES, goals=GOALS)


def test_each_undecided_goal_needs_only_the_questions_that_can_still_change_it() -> None:
    found = missing_by_goal(compiled(), {"age": 70}, DAY)
    # income is read by `eligible` but cannot change it once the senior rule holds
    assert found == {"eligible": ["resident"], "amount": ["resident", "children"]}


def test_a_goal_blocked_by_i_dont_know_needs_nothing_more() -> None:
    found = missing_by_goal(compiled(), {"age": 30, "resident": True, "income": "unknown"}, DAY)
    # 0 children would give 0 whichever branch the open condition takes
    assert found == {"eligible": [], "amount": ["children"]}


def test_decided_goals_are_left_out() -> None:
    answers = {"age": 30, "resident": False}
    assert missing_by_goal(compiled(), answers, DAY) == {}


def test_reasons_shared_by_goals_are_given_once() -> None:
    result = evaluate(compiled(), {"age": 70, "resident": True, "children": 2}, engine="pure")
    shown: set[tuple[str, str | None]] = set()
    first = new_reasons([result.goals["eligible"]], shown)
    assert [r.rule for r in first] == ["lives_here", "senior"]
    assert new_reasons(result.goals.values(), shown) == []
    assert {rule for rule, _ in shown} == {"lives_here", "senior"}
