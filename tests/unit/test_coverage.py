"""Scenario coverage: goals, rules and branches seen true and false (unknown where it matters)."""

from __future__ import annotations

from typing import Any

import pytest

from eligibility import CompiledRuleSet
from eligibility.coverage import Outcome, coverage
from eligibility.expressions.parser import parse
from eligibility.expressions.unparse import unparse
from eligibility.model import Location

from .support import build

QUESTIONS = {
    "age": {"type": "integer", "min": 0, "label": "Age?"},
    "resident": {"type": "boolean", "label": "Resident?"},
    "income": {"type": "decimal", "min": 0, "allow_unknown": True, "label": "Income?"},
}
RULES = {
    "senior": {"when": "age >= 65", "legal_reference": "Act § 1"},
    "poor": {"when": "income <= 1000", "legal_reference": "Act § 2"},
}
GOALS = {
    "eligible": {"type": "boolean", "value": "resident and (senior or poor)"},
    "fee": {"type": "integer", "value": "if age > 80 then 0 else 10"},
}


def version(*scenarios: tuple[dict[str, Any], dict[str, Any]]) -> CompiledRuleSet:
    written = [
        {"name": f"s{i}", "answers": answers, "expect": expect}
        for i, (answers, expect) in enumerate(scenarios)
    ]
    return build(questions=QUESTIONS, rules=RULES, goals=GOALS, scenarios=written)


def missed(compiled: CompiledRuleSet) -> list[str]:
    return [f"{o.path} {o.expression} {o.value}" for o in coverage(compiled).missed]


def test_without_scenarios_every_outcome_is_missed() -> None:
    report = coverage(version())
    assert report.counts("goal") == (0, 4)  # eligible true/false/unknown, fee decided
    assert report.counts("rule") == (0, 5)  # senior true/false, poor true/false/unknown
    assert report.counts("branch") == (0, 7)  # resident, senior or poor (+ unknown), age > 80
    assert not report.complete


def test_scenarios_exercise_what_their_answers_give() -> None:
    compiled = version(
        ({"age": 90, "resident": True}, {"eligible": True}),
        ({"age": 30, "resident": False}, {"eligible": False}),
    )
    assert missed(compiled) == [
        "goals.eligible.value resident and (senior or poor) unknown",
        "rules.poor.when income <= 1000 true",
        "rules.poor.when income <= 1000 false",
        "goals.eligible.value senior or poor false",
    ]  # poor stays unknown in the second scenario, where income is not answered


def test_unknown_is_asked_for_only_where_i_dont_know_is_allowed() -> None:
    compiled = version(
        ({"age": 90, "resident": True}, {"eligible": True}),
        ({"age": 30, "resident": False}, {"eligible": False}),
        ({"age": 30, "resident": True, "income": "900"}, {"eligible": True}),
        ({"age": 30, "resident": True, "income": "5000"}, {"eligible": False}),
        ({"age": 30, "resident": True, "income": "unknown"}, {"eligible": None}),
    )
    report = coverage(compiled)
    assert report.complete, [str(o) for o in report.missed]
    assert "unknown" not in {o.value for o in report.outcomes if o.path == "rules.senior.when"}


def test_an_instance_rule_is_named_by_itself_not_by_its_collection() -> None:
    where = Location("2024.yaml", 12, 9)
    rule = Outcome("rule", "collections.employees.rules.paid.when", "paid", "false", where)
    goal = Outcome("goal", "collections.employees.goals.rate.value", "rate", "decided", where)
    assert rule.describe() == "no scenario makes rule 'paid' false"
    assert goal.describe() == "no scenario decides goal 'rate'"
    root = Outcome("rule", "rules.poor.when", "poor", "true", where)
    assert root.describe() == "no scenario makes rule 'poor' true"


def test_an_if_condition_is_a_branch_with_its_place() -> None:
    compiled = version(({"age": 30, "resident": False}, {"eligible": False}))
    branch = next(o for o in coverage(compiled).missed if o.expression == "age > 80")
    assert (branch.kind, branch.path, branch.value) == ("branch", "goals.fee.value", "true")
    assert branch.describe() == "no scenario makes `age > 80` true"
    assert "age > 80 false" not in " ".join(missed(compiled))


def test_a_refused_scenario_exercises_nothing() -> None:
    compiled = build(
        questions={
            **QUESTIONS,
            "children": {
                "type": "integer",
                "label": "Children?",
                "checks": [{"when": "children <= 10", "message": "Too many."}],
            },
        },
        rules=RULES,
        goals=GOALS,
        scenarios=[
            {
                "name": "refused",
                "answers": {"age": 90, "children": 11},
                "expect_refused": ["children"],
            }
        ],
    )
    assert coverage(compiled).counts("rule")[0] == 0


@pytest.mark.parametrize(
    "text",
    [
        "a and (b or c)",
        "not (x > 1) or y",
        "if a then 1 + 2 * 3 else (4 - 1) * 2",
        'state in ["IL", "UT"] and -x < 3',
        'fee[size][state] >= max(1, round(income / 2)) and d = date("2024-02-29")',
        "(a or b) and (c or d) and not e",
    ],
)
def test_unparse_writes_the_same_expression(text: str) -> None:
    assert parse(unparse(parse(text))) == parse(text)
