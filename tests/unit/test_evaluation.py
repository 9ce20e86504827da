"""Evaluations: goals and reasons, next questions with why, answers checked, texts, trace."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from eligibility import AnswerError, CompiledRuleSet, Evaluation, EvaluationError, evaluate
from eligibility.answers import check_answer, parse_answers
from eligibility.evaluation import choose_locale

from .support import build

ENGINES = ["durable", "pure"]


def asked(result: Evaluation) -> list[str]:
    return [q.question.id for q in result.next_questions]


# ------------------------------------------------------------------------------ fishing licence


@pytest.mark.parametrize("engine", ENGINES)
def test_nothing_answered_everything_open(fishing: CompiledRuleSet, engine: Any) -> None:
    result = evaluate(fishing, {}, engine=engine)
    assert result.outcome == {"eligible": None, "reduction": None}
    assert not result.complete
    assert asked(result) == ["age", "income", "resident"]
    assert result.ignored_answers == ()
    assert result.engine == engine
    assert (result.ruleset_id, result.version) == ("fishing-licence", "2024-01-01")
    assert result.as_of == dt.date(2024, 1, 1)  # the version's first day by default
    assert len(result.content_hash) == 64


@pytest.mark.parametrize("engine", ENGINES)
def test_senior_resident_is_decided_without_the_income(
    fishing: CompiledRuleSet, engine: Any
) -> None:
    result = evaluate(fishing, {"age": 70, "resident": True}, engine=engine)
    assert result.complete
    assert result.outcome == {"eligible": True, "reduction": "20"}
    eligible, reduction = result.goals["eligible"], result.goals["reduction"]
    assert eligible.value is True and eligible.decided and eligible.label == "Reduced licence"
    assert reduction.value == Decimal("20") and type(reduction.value) is Decimal
    (reason,) = eligible.reasons
    assert reason.rule == "is_senior" and reason.value is True
    assert reason.text == "At 70 you count as a senior."
    assert reason.legal_reference == "Fisheries Act § 12 (1) No. 1"
    assert result.next_questions == ()


def test_a_false_answer_decides_early_and_stops_questions(fishing: CompiledRuleSet) -> None:
    result = evaluate(fishing, {"resident": False})
    assert result.outcome == {"eligible": False, "reduction": "0"}
    assert result.complete and result.next_questions == ()


def test_answers_that_no_longer_matter_are_ignored(fishing: CompiledRuleSet) -> None:
    result = evaluate(fishing, {"age": 70, "resident": True, "income": "5000.00"})
    assert result.ignored_answers == ("income",)
    assert result.answers == {"age": 70, "resident": True, "income": Decimal("5000.00")}


def test_dont_know_stays_unknown_and_is_not_asked_again(fishing: CompiledRuleSet) -> None:
    result = evaluate(fishing, {"age": 30, "income": "unknown", "resident": True})
    assert result.outcome == {"eligible": None, "reduction": None}
    assert result.next_questions == ()
    assert result.answers["income"] == "unknown"
    assert result.ignored_answers == ()


def test_dont_know_does_not_block_a_decision_the_logic_permits(fishing: CompiledRuleSet) -> None:
    result = evaluate(fishing, {"age": 30, "income": "unknown", "resident": False})
    assert result.outcome == {"eligible": False, "reduction": "0"}


def test_null_answers_are_not_answers(fishing: CompiledRuleSet) -> None:
    assert evaluate(fishing, {"age": None}).answers == {}


def test_next_question_carries_texts_options_and_why(fishing: CompiledRuleSet) -> None:
    result = evaluate(fishing, {}, locale="de")
    age, income, resident = result.next_questions
    assert age.label == "Wie alt sind Sie?"
    assert age.help == "Your age on the day the licence starts."  # no German help: default
    assert age.question.type == "integer" and age.question.max == 130
    assert [(w.rule, w.legal_reference, w.text) for w in age.why] == [
        ("is_senior", "Fisheries Act § 12 (1) No. 1", "Seniors pay a reduced fee.")
    ]
    (why,) = income.why
    assert why.text == "Wir fragen dies, weil Fisheries Act § 12 (1) No. 2 es verlangt."
    # Read by two goals without a why of their own: the version's legal basis, said once.
    assert [(w.rule, w.legal_reference, w.text) for w in resident.why] == [
        ("eligible", "Fisheries Act § 12", "Wir fragen dies, weil Fisheries Act § 12 es verlangt.")
    ]
    assert result.locale == "de"


def test_locale_choice(fishing: CompiledRuleSet) -> None:
    assert fishing.locales == {"en", "de"}
    assert choose_locale(fishing, "de-AT") == "de"
    assert choose_locale(fishing, "fr") == "en"
    assert choose_locale(fishing, None) == "en"
    assert choose_locale(fishing, ["fr-CH", "de-AT", "en"]) == "de"  # RFC 4647 lookup, in order
    assert evaluate(fishing, {}, locale="fr").locale == "en"


def test_explanations_quote_values_in_the_claimants_format(fishing: CompiledRuleSet) -> None:
    answers = {"age": 30, "income": "5000.00", "resident": True}
    english = evaluate(fishing, answers).goals["eligible"].reasons
    german = evaluate(fishing, answers, locale="de").goals["eligible"].reasons
    assert [r.text for r in english] == [
        "At 30 you do not count as a senior yet.",
        "Your income is above 1,200.",
    ]
    assert german[1].text == "Your income is above 1.200."


@pytest.mark.parametrize("engine", ENGINES)
def test_trace_records_every_rule_with_inputs_and_result(
    fishing: CompiledRuleSet, engine: Any
) -> None:
    result = evaluate(fishing, {"age": 70, "resident": True}, engine=engine, with_trace=True)
    steps = {s.name: s for s in result.trace}
    assert [s.name for s in result.trace] == [
        "monthly_income_rounded",
        "is_senior",
        "low_income",
        "eligible",
        "reduction",
    ]
    assert steps["is_senior"].inputs == {"age": 70}
    assert steps["is_senior"].result is True and steps["is_senior"].kind == "rule"
    assert steps["low_income"].inputs == {"monthly_income_rounded": None, "income_limit": "1200.00"}
    assert steps["low_income"].result is None
    assert steps["reduction"].result == "20" and steps["reduction"].legal_reference is None
    assert evaluate(fishing, {}).trace == ()


def test_as_of_is_a_value_of_the_language() -> None:
    version = build(
        rules={
            "adult": {"when": 'age >= 18 and as_of >= date("2024-06-01")', "legal_reference": "§"}
        }
    )
    early = evaluate(version, {"age": 20, "resident": True})
    late = evaluate(version, {"age": 20, "resident": True}, as_of=dt.date(2024, 7, 1))
    assert (early.outcome["eligible"], late.outcome["eligible"]) == (False, True)
    assert late.as_of == dt.date(2024, 7, 1)


# ------------------------------------------------------------------------------ answers


QUESTIONS = {
    "employees": {"type": "integer", "min": 1, "label": {"en": "How many employees?"}},
    "affected": {
        "type": "integer",
        "min": 0,
        "label": {"en": "Of your {employees} employees, how many are affected?"},
        "checks": [
            {
                "when": "affected <= employees",
                "message": {
                    "en": "Only {employees} employees work for you.",
                    "de": "Nur {employees}.",
                },
            }
        ],
    },
    "start": {"type": "date", "min": "2020-01-01", "label": "Start?"},
    "amount": {"type": "decimal", "min": 0, "allow_unknown": True, "label": "Amount?"},
    "kind": {
        "type": "enum",
        "options": {"A": {"en": "Kind A", "de": "Art A"}, "B": "B"},
        "label": "?",
    },
    "name": {"type": "string", "max_length": 5, "label": "Name?"},
    "ok": {"type": "boolean", "label": "OK?"},
}


@pytest.fixture(scope="module")
def staff() -> CompiledRuleSet:
    return build(
        questions=QUESTIONS,
        rules={"quorum": {"when": "affected * 3 >= employees", "legal_reference": "§ 1"}},
        goals={
            "eligible": {"type": "boolean", "value": "quorum and ok"},
            "share": {"type": "decimal", "value": "affected / employees"},
        },
    )


def test_every_bad_answer_is_reported_at_once(staff: CompiledRuleSet) -> None:
    answers = {
        "employees": 0,
        "affected": "x",
        "start": "2019-01-01",
        "amount": "1.234",
        "kind": "C",
        "name": "toolong",
        "ok": "yes",
        "employes": 3,
    }
    with pytest.raises(AnswerError) as caught:
        evaluate(staff, answers)
    assert caught.value.errors == {
        "/employees": ["expected a whole number of at least 1, got 0"],
        "/affected": ["expected a whole number, got 'x'"],
        "/start": ["expected a date of at least 2020-01-01, got 2019-01-01"],
        "/amount": ["expected an amount with at most 2 decimal places, got 1.234"],
        "/kind": ["expected one of A, B, got 'C'"],
        "/name": ["expected a text of at most 5 characters, got 7"],
        "/ok": ["expected true or false, got 'yes'"],
        "/employes": ["unknown question; did you mean 'employees'?"],
    }
    assert str(caught.value).startswith(
        "invalid answers: /affected: expected a whole number, got 'x'; /amount: "
    )


@pytest.mark.parametrize(
    ("question", "answer", "message"),
    [
        ("ok", "unknown", 'this question needs an answer; "I don\'t know" is not accepted'),
        ("employees", "12.0", "expected a whole number, got '12.0'"),
        ("employees", True, "expected a whole number, got true"),
        ("employees", 10**13, "expected a whole number of at most 1000000000000"),
        ("amount", 1.5, 'expected an amount such as "412.50", got 1.5'),
        ("amount", "-1", "expected a non-negative amount of at least 0, got -1"),
        ("amount", "1e5", "expected an amount such as \"412.50\", got '1e5'"),
        ("amount", "12345678901234567.00", "expected an amount of at most 18 digits"),
        ("start", "2020-02-30", "expected a date written YYYY-MM-DD, got '2020-02-30'"),
        ("start", "2300-01-01", "expected a date of at most 2200-12-31"),
        ("name", 5, "expected a text, got 5"),
    ],
)
def test_answer_problems(
    staff: CompiledRuleSet, question: str, answer: object, message: str
) -> None:
    with pytest.raises(AnswerError) as caught:
        evaluate(staff, {question: answer})
    assert message in caught.value.errors["/" + question][0]


def test_answers_are_typed_exactly(staff: CompiledRuleSet) -> None:
    parsed = parse_answers(
        staff.questions,
        {"employees": "12", "amount": 7, "start": dt.date(2021, 5, 1), "kind": "A", "name": ""},
    )
    assert parsed.values == {
        "employees": 12,
        "amount": Decimal(7),
        "start": dt.date(2021, 5, 1),
        "kind": "A",
        "name": "",
    }
    assert parsed.dont_know == frozenset()
    assert check_answer(staff.questions["amount"], "412.50") == Decimal("412.50")
    text = build(
        questions={"name": {"type": "string", "label": "Name?", "allow_unknown": True}},
        rules={},
        goals={"eligible": {"type": "boolean", "value": 'name = "unknown"'}},
    )
    assert evaluate(text, {"name": "unknown"}).outcome == {"eligible": True}  # a text here


def test_checks_against_earlier_answers_in_the_claimants_language(staff: CompiledRuleSet) -> None:
    with pytest.raises(AnswerError) as caught:
        evaluate(staff, {"employees": 3, "affected": 5}, locale="de")
    # Either answer may be the wrong one: the refusal names both.
    assert caught.value.errors == {"/affected": ["Nur 3."], "/employees": ["Nur 3."]}
    with pytest.raises(AnswerError) as caught:
        evaluate(staff, {"employees": 3, "affected": 5})
    assert caught.value.errors["/affected"] == ["Only 3 employees work for you."]
    assert evaluate(staff, {"employees": 3, "affected": 3}).goals["share"].value == Decimal(1)
    assert evaluate(staff, {"affected": 5}).outcome["share"] is None  # nothing to check against


def test_labels_quote_earlier_answers_and_are_asked_after_them(staff: CompiledRuleSet) -> None:
    result = evaluate(staff, {})
    assert asked(result)[:2] == ["employees", "affected"]
    assert result.next_questions[1].label == "Of your ? employees, how many are affected?"
    later = evaluate(staff, {"employees": 12})
    assert later.next_questions[0].label == "Of your 12 employees, how many are affected?"


def test_enum_options_are_labelled_in_the_claimants_language(staff: CompiledRuleSet) -> None:
    version = build(
        questions={"kind": {**QUESTIONS["kind"], "label": {"en": "Kind?", "de": "Art?"}}},
        rules={"adult": {"when": 'kind = "A"', "legal_reference": "§"}},
        goals={"eligible": {"type": "boolean", "value": "adult"}},
    )
    (question,) = evaluate(version, {}, locale="de").next_questions
    assert question.options == (("A", "Art A"), ("B", "B"))


def test_a_goal_that_cannot_be_computed_raises_evaluation_error(staff: CompiledRuleSet) -> None:
    version = build(goals={"eligible": {"type": "boolean", "value": "age / (age - 18) > 1"}})
    with pytest.raises(EvaluationError) as failed:
        evaluate(version, {"age": 18})
    assert (failed.value.name, failed.value.reason) == ("eligible", "division by zero")
    assert str(failed.value) == "eligible: division by zero"
    assert evaluate(version, {"age": 20}).outcome["eligible"] is True


# ------------------------------------------------------------------------------ asking order


def test_sections_and_ask_after_order_the_questions() -> None:
    version = build(
        sections={"money": {"title": "Money"}, "person": {"title": "Person"}},
        questions={
            "income": {"type": "decimal", "section": "money", "label": "Income?"},
            "age": {"type": "integer", "section": "person", "label": "Age?"},
            "resident": {"type": "boolean", "section": "person", "label": "Resident?"},
            "savings": {
                "type": "decimal",
                "section": "money",
                "ask_after": ["resident"],
                "label": "?",
            },
        },
        rules={
            "poor": {"when": "income + savings < 1000", "legal_reference": "§ 1"},
            "adult": {"when": "age >= 18 and resident", "legal_reference": "§ 2"},
        },
        goals={"eligible": {"type": "boolean", "value": "poor and adult"}},
    )
    assert asked(evaluate(version, {})) == ["income", "age", "resident", "savings"]


def test_questions_settling_an_open_condition_come_first() -> None:
    version = build(
        questions={
            "amount": {"type": "decimal", "label": "Amount?"},
            "married": {"type": "boolean", "label": "Married?"},
        },
        parameters={"single": {"value": 500}, "couple": {"value": 800}},
        rules={},
        goals={
            "eligible": {
                "type": "boolean",
                "value": "amount <= (if married then couple else single)",
            }
        },
    )
    assert asked(evaluate(version, {})) == ["amount", "married"]
    assert asked(evaluate(version, {"amount": "600"})) == ["married"]
    # Kleene, not case analysis: 400 is within both limits, but the open `if` stays unknown
    assert evaluate(version, {"amount": "400"}).outcome["eligible"] is None
    assert evaluate(version, {"amount": "400", "married": False}).outcome["eligible"] is True


def test_nested_table_lookups_are_walked_for_relevance() -> None:
    version = build(
        questions={
            "state": {"type": "enum", "options": {"IL": "IL", "VT": "VT"}, "label": "State?"},
            "size": {"type": "integer", "min": 1, "label": "Size?"},
            "income": {"type": "decimal", "label": "Income?"},
        },
        parameters={"limit": {"table": {"IL": {1: 100, 2: 150}, "VT": {1: 200}}, "default": 50}},
        rules={},
        goals={"eligible": {"type": "boolean", "value": "income <= limit[state][size]"}},
    )
    assert asked(evaluate(version, {})) == ["state", "size", "income"]
    assert asked(evaluate(version, {"state": "VT", "income": "10"})) == ["size"]
    result = evaluate(version, {"state": "VT", "size": 3, "income": "60"})
    assert result.outcome == {"eligible": False}
    assert result.ignored_answers == ()
