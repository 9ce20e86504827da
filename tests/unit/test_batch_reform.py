"""A reform computed from its baseline (`batch/reform.py`): what differs, and rows as in full.

Each case assesses rows under a baseline and a reform twice, with only what the reform
changes computed again and with the reform evaluated in full, and compares every row
(goals of both, status, changes and the rules behind them, errors) and the tally.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from eligibility import CompiledRuleSet
from eligibility.batch import assess
from eligibility.batch.population_rows import Row
from eligibility.batch.populations import Population
from eligibility.batch.reform import delta
from eligibility.evaluation import EngineName

from .support import BASE, build

ENGINES: tuple[EngineName, ...] = ("durable", "pure")
QUESTIONS = {
    **BASE["questions"],
    "income": {"type": "decimal", "min": 0, "allow_unknown": True, "label": "Income?"},
    "children": {"type": "integer", "min": 0, "max": 20, "label": "Children?"},
}
RULES = {
    "adult": {"when": "age >= 18", "legal_reference": "Act § 1"},
    "poor": {"when": "income <= limit", "legal_reference": "Act § 2"},
    "recent": {"when": "year(as_of) >= 2025", "legal_reference": "Act § 3"},
}
GOALS = {
    "eligible": {"type": "boolean", "value": "adult and resident and poor", "label": "Eligible"},
    "amount": {
        "type": "decimal",
        "value": "if eligible then rate * children / divisor else 0",
        "label": "Amount",
        "decimal_places": 2,
    },
    "bonus": {"type": "boolean", "value": "recent and eligible", "label": "Bonus"},
}
PARAMETERS: dict[str, Any] = {
    "limit": {"type": "decimal", "value": "1000"},
    "rate": {"type": "decimal", "value": "100.0"},
    "divisor": {"type": "integer", "value": 1},
}


def version(
    number: str, start: str = "2024-01-01", goals: dict[str, Any] | None = None, **parameters: Any
) -> CompiledRuleSet:
    params = {k: {**v, **({"value": parameters[k]} if k in parameters else {})}
              for k, v in PARAMETERS.items()}  # fmt: skip
    return build(
        version=number,
        effective_from=start,
        questions=QUESTIONS,
        rules=RULES,
        goals={**GOALS, **(goals or {})},
        parameters=params,
    )


ROWS = [
    {"age": 30, "resident": True, "income": "800", "children": 2},
    {"age": 30, "resident": True, "income": "1100", "children": 1},
    {"age": 30, "resident": True, "income": "1020", "children": 1},
    {"age": 12, "resident": True, "income": "0", "children": 0},
    {"age": 40, "resident": False, "income": "unknown", "children": 3},
    {"age": 40, "resident": True, "income": "unknown", "children": 3},
    {"age": 50, "resident": True, "children": 4},
    {"age": 50, "resident": True, "income": "999.99"},
    {"age": 50, "resident": True, "income": "1000", "children": 1},
    {"age": 50, "resident": True, "income": "-5", "children": 1},  # refused by both
]


def assessed(
    baseline: CompiledRuleSet,
    reform: CompiledRuleSet,
    engine: EngineName,
    as_of: dt.date | None,
    monkeypatch: pytest.MonkeyPatch,
    full: bool,
) -> tuple[list[dict[str, Any]], str]:
    with monkeypatch.context() as patched:
        if full:
            patched.setattr(assess, "_delta", lambda *_: None)
        task = assess.AssessTask(Population("jsonl", "x"), {}, None, None, "x", as_of, None, engine)  # type: ignore[arg-type]
        tally = assess.AssessTally()
        rows = [
            assess._assess(Row(i + 1, i + 1, None, answers), baseline, reform, task, tally)
            for i, answers in enumerate(ROWS)
        ]
    return rows, json.dumps(tally.to_dict(), sort_keys=True)


def assert_as_in_full(
    baseline: CompiledRuleSet,
    reform: CompiledRuleSet,
    monkeypatch: pytest.MonkeyPatch,
    as_of: dt.date | None = None,
) -> list[dict[str, Any]]:
    for engine in ENGINES:
        fast = assessed(baseline, reform, engine, as_of, monkeypatch, full=False)
        full = assessed(baseline, reform, engine, as_of, monkeypatch, full=True)
        assert fast == full
    return fast[0]


def test_the_same_version_computes_nothing_again(monkeypatch: pytest.MonkeyPatch) -> None:
    base = version("1")
    found = delta(base, version("1"), "durable", True)
    assert found is not None and not found.names and not found.checks
    assert all(kept for _, kept in found.goals)
    assert_as_in_full(base, version("1"), monkeypatch)


def test_a_parameter_changes_its_readers_and_what_reads_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base, reform = version("1"), version("2", limit="1050")
    found = delta(base, reform, "durable", True)
    assert found is not None
    assert found.names == {"poor", "eligible", "amount", "bonus"}
    assert dict(found.constants) == {"limit": reform.constants["limit"]}
    rows = assert_as_in_full(base, reform, monkeypatch)
    assert {r["status"] for r in rows} == {"same", "changed", "failed"}


def test_values_that_compare_equal_but_read_differently_are_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base, reform = version("1"), version("2", rate="100.00")  # 100.0 = 100.00, another scale
    found = delta(base, reform, "durable", True)
    assert found is not None and found.names == {"amount"}
    assert_as_in_full(base, reform, monkeypatch)


def test_a_failure_in_a_value_computed_again_fails_the_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = assert_as_in_full(version("1"), version("2", divisor=0), monkeypatch)
    assert any("division by zero" in r.get("error", "") for r in rows)


def test_a_goal_shown_at_another_scale_is_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    amount = {**GOALS["amount"], "decimal_places": 0}
    base, reform = version("1"), version("2", goals={"amount": amount})
    found = delta(base, reform, "durable", True)
    assert found is not None and not found.names
    assert [g.id for g, kept in found.goals if not kept] == ["amount"]
    assert_as_in_full(base, reform, monkeypatch)


def test_a_changed_expression_is_computed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    eligible = {**GOALS["eligible"], "value": "adult and poor"}
    base, reform = version("1"), version("2", goals={"eligible": eligible})
    found = delta(base, reform, "durable", True)
    assert found is not None and found.names == {"eligible", "amount", "bonus"}
    assert_as_in_full(base, reform, monkeypatch)


def test_another_first_day_changes_what_reads_as_of(monkeypatch: pytest.MonkeyPatch) -> None:
    base, reform = version("1"), version("2", start="2025-01-01")
    assert delta(base, reform, "durable", True).names == set()  # type: ignore[union-attr]
    assert delta(base, reform, "durable", False).names == {"recent", "bonus"}  # type: ignore[union-attr]
    rows = assert_as_in_full(base, reform, monkeypatch)  # each on its own first day
    assert any(r["status"] == "changed" for r in rows)
    assert_as_in_full(base, reform, monkeypatch, as_of=dt.date(2025, 3, 1))


def test_a_check_reading_a_changed_parameter_runs_again(monkeypatch: pytest.MonkeyPatch) -> None:
    questions = {
        **QUESTIONS,
        "children": {
            **QUESTIONS["children"],
            "checks": [{"when": "children <= most", "message": "At most {most} children."}],
        },
    }
    parameters = {**PARAMETERS, "most": {"type": "integer", "value": 4}}

    def made(number: str, most: int) -> CompiledRuleSet:
        params = {**parameters, "most": {"type": "integer", "value": most}}
        return build(version=number, questions=questions, rules=RULES, goals=GOALS,
                     parameters=params)  # fmt: skip

    base, reform = made("1", 4), made("2", 2)
    found = delta(base, reform, "durable", True)
    assert found is not None and found.checks
    rows = assert_as_in_full(base, reform, monkeypatch)
    assert any("At most 2 children." in r.get("error", "") for r in rows)
    assert not delta(base, made("3", 4), "durable", True).checks  # type: ignore[union-attr]


def test_versions_asking_other_questions_are_evaluated_in_full() -> None:
    other = {**QUESTIONS, "county": {"type": "string", "label": "County?"}}
    reform = build(version="2", questions=other, rules=RULES, goals=GOALS, parameters=PARAMETERS)
    assert delta(version("1"), reform, "durable", True) is None


def test_a_boolean_goal_computed_again_is_decided_by_durable_rules(
    monkeypatch: pytest.MonkeyPatch, durable_decided: list[str]
) -> None:
    base, reform = version("1"), version("2", limit="1050")
    found = delta(base, reform, "durable", True)
    assert found is not None
    before = assess.goal_values(base, ROWS[0], None)
    durable_decided.clear()
    found.values(reform, dict(before.env), reform.ruleset.effective_from)
    assert durable_decided == ["eligible", "bonus"]
