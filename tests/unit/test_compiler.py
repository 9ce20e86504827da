"""Compiling a RuleSet: every expression checked at load time, the rule graph ordered, limits."""

from __future__ import annotations

from typing import Any

import pytest

from eligibility import RuleSetError, compile_ruleset
from eligibility.compiler import label_references, pipeline
from eligibility.model import Question

from .support import build, document, load


def problems(**parts: Any) -> list[tuple[str, str, str | None]]:
    with pytest.raises(RuleSetError) as caught:
        build(**parts)
    return [(p.path, p.message, p.suggestion) for p in caught.value.problems]


QUESTIONS = document()["questions"]


def test_compiled_version_has_everything_an_evaluation_needs() -> None:
    version = build(
        parameters={"limit": {"value": 18}, "fee": {"table": {1: 10}}},
        derived={"years": {"value": "age - limit"}},
    )
    assert version.order == ("years", "adult", "eligible")
    assert version.named["years"].type == "integer" and version.named["years"].kind == "derived"
    assert version.named["adult"].reads == ("age",)
    assert version.named["adult"].legal_reference == "Act § 1"
    assert version.constants == {"limit": 18}
    assert set(version.tables) == {"fee"}
    assert version.goal_ids == ("eligible",)
    assert version.types["as_of"] == "date"
    assert version.key == f"unit:1:{version.content_hash[:16]}"


def test_definitions_are_ordered_by_dependency_not_by_file() -> None:
    version = build(
        derived={"c": {"value": "b + 1"}, "b": {"value": "a + 1"}, "a": {"value": "age"}},
        rules={"adult": {"when": "c >= 20", "legal_reference": "§"}},
    )
    order = version.order
    assert order.index("a") < order.index("b") < order.index("c") < order.index("adult")


def test_cycles_are_reported_with_their_path() -> None:
    found = problems(derived={"a": {"value": "b + 1"}, "b": {"value": "a + 1"}})
    assert ("derived.a.value", "circular definition: a → b → a", None) in found
    found = problems(derived={"a": {"value": "a + 1"}})
    assert ("derived.a.value", "circular definition: a → a", None) in found
    found = problems(
        rules={"adult": {"when": "eligible", "legal_reference": "§"}},
        goals={"eligible": {"type": "boolean", "value": "adult"}},
    )
    assert any("circular definition" in m for _, m, _ in found)


def test_declared_types_must_fit() -> None:
    found = problems(derived={"a": {"value": "age + 1", "type": "boolean"}})
    assert ("derived.a.value", "gives a whole number but must give yes/no (boolean)", None) in found
    found = problems(rules={"adult": {"when": "age", "legal_reference": "§"}})
    assert (
        "rules.adult.when",
        "gives a whole number but must give yes/no (boolean)",
        None,
    ) in found
    version = build(
        goals={
            "eligible": {"type": "boolean", "value": "adult"},
            "amount": {"type": "decimal", "value": "age * 2"},  # a whole number is an amount
        }
    )
    assert version.types["amount"] == "decimal"


def test_every_expression_problem_is_reported_with_a_suggestion() -> None:
    found = problems(
        rules={
            "adult": {"when": "agee >= 18", "legal_reference": "§"},
            "local": {"when": "residnt", "legal_reference": "§"},
        },
        goals={"eligible": {"type": "boolean", "value": "adult and local"}},
    )
    at = " (line 1, column 1 of the expression)"  # documents given as data have no lines
    assert ("rules.adult.when", "unknown name 'agee'" + at, "age") in found
    assert ("rules.local.when", "unknown name 'residnt'" + at, "resident") in found


def test_syntax_errors_stop_before_type_checking() -> None:
    found = problems(
        rules={
            "adult": {"when": "age >=", "legal_reference": "§"},
            "other": {"when": "agee > 1", "legal_reference": "§"},
        },
        goals={"eligible": {"type": "boolean", "value": "adult and other"}},
    )
    assert [p for p, _, _ in found] == ["rules.adult.when"]


def test_checks_are_conditions_over_known_names() -> None:
    questions = {
        **QUESTIONS,
        "x": {
            "type": "integer",
            "label": "x",
            "checks": [
                {"when": "x <= age", "message": "ok"},
                {"when": "x + 1", "message": "m"},
                {"when": "xx > 1", "message": "m"},
                {"when": "x >", "message": "m"},
            ],
        },
    }
    found = problems(questions=questions)
    assert found == [
        (
            "questions.x.checks[1].when",
            "a check must be a condition (yes/no), got a whole number",
            None,
        ),
        (
            "questions.x.checks[2].when",
            "unknown name 'xx' (line 1, column 1 of the expression)",
            "x",
        ),
        (
            "questions.x.checks[3].when",
            "the expression ends too early; expected '(', '-', 'false', 'true', a name, "
            "a number, a text in quotes (line 1, column 4 of the expression)",
            None,
        ),
    ]


def test_texts_may_quote_only_values() -> None:
    found = problems(
        questions={**QUESTIONS, "x": {"type": "integer", "label": "x", "help": "Of {agee}"}},
        parameters={"fee": {"table": {1: 1}}},
        rules={
            "adult": {
                "when": "age >= 18",
                "legal_reference": "§",
                "explanation": {"true": "At {age}", "false": {"en": "fee {fee}"}},
            }
        },
    )
    assert ("questions.x.help", "the text quotes unknown value '{agee}'", "age") in found
    table = "the text quotes the table '{fee}'; quote one row through a derived value"
    assert ("rules.adult.explanation.false", table) in [
        (p, m) for p, m, _ in found
    ]  # a table cannot be quoted
    assert len(found) == 2


def test_scenarios_name_known_questions_and_goals() -> None:
    found = problems(
        scenarios=[
            {
                "name": "x",
                "answers": {"agee": 1},
                "expect": {"eligble": True},
                "expect_next": ["resdent"],
            }
        ]
    )
    assert found == [
        ("scenarios[0].answers.agee", "unknown question 'agee'", "age"),
        ("scenarios[0].expect.eligble", "unknown goal 'eligble'", "eligible"),
        ("scenarios[0].expect_next", "unknown question 'resdent'", "resident"),
    ]


def test_limit_on_the_work_of_one_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "MAX_TOTAL_NODES", 5)
    with pytest.raises(RuleSetError, match="expression parts; at most 5"):
        compile_ruleset(load(document()))


def test_label_references() -> None:
    question = Question("q", "integer", {"en": "Of {a} and {b}", "de": "{c}"}, help={"en": "{d}"})
    assert label_references(question) == {"a", "b", "c", "d"}


def test_ask_after_in_a_circle_falls_back_to_file_order() -> None:
    version = build(
        questions={
            "age": {**QUESTIONS["age"], "ask_after": ["resident"]},
            "resident": {**QUESTIONS["resident"], "ask_after": ["age"]},
        }
    )
    assert version.question_rank == {"age": 0, "resident": 1}


def test_compiling_twice_gives_the_same_hash_and_the_cache_returns_one_object() -> None:
    from eligibility import compiled

    ruleset = load(document())
    first, second = compile_ruleset(ruleset), compile_ruleset(ruleset)
    assert first.content_hash == second.content_hash and first is not second
    again = load(document())
    assert compiled(ruleset) is compiled(ruleset)
    shared, own = compiled(ruleset), compiled(again)
    assert own.ruleset is again and shared.ruleset is ruleset  # each caller's own source
    assert own.closures is shared.closures and own.walks is shared.walks
    other = load(document(title="Another title"))
    assert compile_ruleset(other).content_hash != first.content_hash
