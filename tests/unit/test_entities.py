"""Collections: the worked example evaluated, Kleene aggregates, the answers document."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from eligibility import AnswerError, CompiledRuleSet, document_from_data, load_document, load_paths
from eligibility.canonical import to_document
from eligibility.compiler import compile_ruleset
from eligibility.evaluation import Evaluation, evaluate
from eligibility.expressions.aggregates import Instances, all_of, any_of, count, extreme, total
from eligibility.expressions.values import UNKNOWN, Failure
from eligibility.yaml_source import load_yaml

FAMILY = Path(__file__).parents[1] / "fixtures" / "family-allowance"


@pytest.fixture(scope="module")
def family() -> CompiledRuleSet:
    (ruleset,) = load_paths([FAMILY])
    return compile_ruleset(ruleset)


def child(cid: str, **answers: Any) -> dict[str, Any]:
    return {"id": cid, **answers}


def run(compiled: CompiledRuleSet, engine: str = "pure", **answers: Any) -> Evaluation:
    return evaluate(compiled, answers, engine=engine, with_trace=True)  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ["pure", "durable"])
def test_per_instance_goals_and_root_totals(family: CompiledRuleSet, engine: str) -> None:
    result = run(
        family,
        engine,
        resident=True,
        children_complete=True,
        children=[child("c1", name="Anna", age=10), child("c2", name="Ben", age=20)],
    )
    anna, ben = result.instances["children"]
    assert (anna.pointer, anna.label, anna.goals["amount"].value) == (
        "/children/c1",
        "Anna",
        Decimal("250.00"),
    )
    assert [r.text for r in anna.goals["amount"].reasons] == ["Anna qualifies."]
    assert ben.goals["amount"].decided is False  # in education unanswered: 20 < 25 may count
    assert result.goals["eligible"].value is True
    assert result.goals["total"].decided is False
    assert "/children/c1/amount" in [step.name for step in result.trace]


@pytest.mark.parametrize("engine", ["pure", "durable"])
def test_any_is_decided_true_on_a_list_that_may_grow(family: CompiledRuleSet, engine: str) -> None:
    result = run(family, engine, resident=True, children=[child("c1", name="A", age=3)])
    assert result.goals["eligible"].value is True
    assert result.goals["qualifying_children"].decided is False  # more children may come


@pytest.mark.parametrize("engine", ["pure", "durable"])
def test_no_child_qualifies_only_once_the_list_is_complete(
    family: CompiledRuleSet, engine: str
) -> None:
    kids = [child("c1", name="A", age=30)]
    open_list = run(family, engine, resident=True, children=kids)
    assert open_list.goals["eligible"].decided is False
    closed = run(family, engine, resident=True, children=kids, children_complete=True)
    assert closed.goals["eligible"].value is False
    assert closed.goals["total"].value == Decimal(0)
    assert closed.goals["qualifying_children"].value == 0


def test_adding_an_instance_never_flips_a_decided_any(family: CompiledRuleSet) -> None:
    kids = [child("c1", name="A", age=3)]
    for extra in ({"age": 40}, {"age": 5}, {}, {"age": 22, "in_education": True}):
        grown = run(family, resident=True, children=[*kids, child("c2", name="B", **extra)])
        assert grown.goals["eligible"].value is True


def test_answers_document_problems_are_all_listed_with_pointers(family: CompiledRuleSet) -> None:
    bad = {
        "resident": "yes",
        "children": [
            child("c1", nmae="A", age="old"),
            child("c1", name="B"),
            {"name": "no id"},
            "not an object",
        ],
    }
    with pytest.raises(AnswerError) as caught:
        evaluate(family, bad, engine="pure")
    errors = caught.value.errors
    assert set(errors) == {
        "/resident",
        "/children/c1/nmae",
        "/children/c1/age",
        "/children/c1",  # the second c1
        "/children/2/id",
        "/children/3",
    }
    assert "did you mean 'name'" in errors["/children/c1/nmae"][0]


def test_duplicate_ids_and_too_many_instances(family: CompiledRuleSet) -> None:
    with pytest.raises(AnswerError) as caught:
        evaluate(family, {"children": [child("c1"), child("c1")]}, engine="pure")
    assert caught.value.errors == {"/children/c1": ["the id 'c1' is used twice"]}
    many = [child(f"c{i}") for i in range(21)]
    with pytest.raises(AnswerError) as caught:
        evaluate(family, {"children": many}, engine="pure")
    assert caught.value.errors == {"/children": ["at most 20 children may be listed, got 21"]}


def test_flat_versions_keep_their_canonical_form() -> None:
    (flat,) = load_paths([Path(__file__).parents[1] / "fixtures" / "age-limits"])
    assert not {"entity", "collections"} & set(to_document(flat))


def test_the_canonical_form_carries_collections(family: CompiledRuleSet) -> None:
    doc = to_document(family.ruleset)
    assert doc["entity"] == "household"
    assert doc["collections"]["children"]["completeness_question"] == "children_complete"


def _items(values: list[Any], complete: bool | None) -> Instances:
    envs = [{"v": v} for v in values]
    return Instances([str(i) for i in range(len(values))], envs, complete)


def _read(env: dict[Any, Any]) -> Any:
    return env["v"]


@pytest.mark.parametrize(
    ("values", "complete", "want_any", "want_all"),
    [
        ([True, UNKNOWN], None, True, UNKNOWN),
        ([False, False], None, UNKNOWN, False),
        ([False, False], True, False, False),
        ([True, True], True, True, True),
        ([True, True], None, True, UNKNOWN),
        ([], True, False, True),
        ([], None, UNKNOWN, UNKNOWN),
        ([UNKNOWN, False], True, UNKNOWN, False),
    ],
)
def test_kleene_any_and_all(
    values: list[Any], complete: bool | None, want_any: Any, want_all: Any
) -> None:
    items = _items(values, complete)
    assert any_of(items, _read, None) is want_any
    assert all_of(items, _read, None) is want_all


def test_count_sum_min_max_need_a_complete_list_and_known_values() -> None:
    assert count(_items([1, 2], None), None) is UNKNOWN
    assert count(_items([1, 2], True), None) == 2
    assert total(_items([1, Decimal("2.5")], True), _read, None) == Decimal("3.5")
    assert total(_items([1, UNKNOWN], True), _read, None) is UNKNOWN
    assert extreme("max", _items([1, 7], True), _read, None) == 7
    assert isinstance(extreme("min", _items([], True), _read, None), Failure)
    declared = Instances([], [], None, declared=3)
    assert count(declared, None) == 3  # "how many children?" answered before they are listed


def test_a_filter_selects_instances_and_an_open_filter_keeps_the_result_open() -> None:
    items = _items([1, 2, 3], True)

    def odd(env: dict[Any, Any]) -> Any:
        return env["v"] % 2 == 1 if env["v"] != 2 else UNKNOWN

    assert total(items, _read, odd) is UNKNOWN
    assert count(items, lambda env: env["v"] > 1) == 2
    assert any_of(items, lambda env: env["v"] == 3, odd) is True


def _family_data() -> dict[str, Any]:
    data, _ = load_yaml((FAMILY / "2024-01-01.yaml").read_text(encoding="utf-8"), "family")
    return data  # type: ignore[no-any-return]


def _family_with(**changes: Any) -> CompiledRuleSet:
    data = _family_data()
    data["collections"]["children"].update(changes)
    return compile_ruleset(load_document(document_from_data(data)))


def _asked(result: Evaluation) -> list[str]:
    return [q.pointer for q in result.next_questions]


KIDS = [child("c1"), child("c2", name="Ben")]


def test_next_questions_finish_one_instance_before_the_next(family: CompiledRuleSet) -> None:
    result = run(family, resident=True, children=KIDS)
    assert _asked(result) == [
        "/children/c1/name",  # the item label quotes it: asked first
        "/children/c1/age",
        "/children/c1/in_education",
        "/children/c2/age",
        "/children/c2/in_education",
        "/children_complete",  # "is there anyone else?" after the listed ones
    ]
    assert result.next_questions[2].label == "Is ? in school or training?"
    assert result.next_questions[3].label == "How old is Ben?"
    assert [w.rule for w in result.next_questions[3].why] == ["/children/c2/qualifies"]


def test_next_questions_one_question_across_instances() -> None:
    result = run(_family_with(order="question_first"), resident=True, children=KIDS)
    assert _asked(result)[:4] == [
        "/children/c1/name",
        "/children/c1/age",
        "/children/c2/age",
        "/children/c1/in_education",
    ]


def test_completeness_is_asked_only_while_it_can_matter(family: CompiledRuleSet) -> None:
    open_list = run(family, resident=True, children=[child("c1", name="A", age=3)])
    assert "/children_complete" in _asked(open_list)  # the total still needs it
    assert [w.rule for w in open_list.next_questions[0].why] == ["total", "qualifying_children"]
    data = _family_data()
    data["goals"] = {"eligible": data["goals"]["eligible"]}
    data.pop("scenarios")
    only_eligible = compile_ruleset(load_document(document_from_data(data)))
    decided = run(only_eligible, resident=True, children=[child("c1", name="A", age=3)])
    assert decided.goals["eligible"].value is True
    assert _asked(decided) == []  # a qualifying child decided it: no one else is asked about


def test_reasons_of_a_root_goal_name_the_instance(family: CompiledRuleSet) -> None:
    result = run(family, resident=True, children=[child("c1", name="Anna", age=3)])
    reasons = [(r.rule, r.text) for r in result.goals["eligible"].reasons]
    assert ("/children/c1/qualifies", "Anna qualifies.") in reasons


def test_ignored_answers_inside_instances_are_named_by_pointer(family: CompiledRuleSet) -> None:
    result = run(
        family,
        resident=True,
        children_complete=True,
        children=[child("c1", name="A", age=3, in_education=False)],
    )
    assert result.ignored_answers == ("/children/c1/in_education",)


def test_checks_of_an_instance_refuse_its_answers_by_pointer() -> None:
    (ruleset,) = load_paths([FAMILY.parent / "employer-claim"])
    compiled = compile_ruleset(ruleset)
    employees = [
        {"id": "e1", "name": "Ada", "target_pay": "1000.00", "actual_pay": "1200.00"},
        {"id": "e2", "name": "Bo", "target_pay": "1000.00", "actual_pay": "900.00"},
    ]
    with pytest.raises(AnswerError) as caught:
        evaluate(compiled, {"employees_count": 2, "employees": employees}, engine="pure")
    message = "The actual pay of Ada is more than the target pay."
    assert caught.value.errors == {
        "/employees/e1/actual_pay": [message],
        "/employees/e1/target_pay": [message],
    }


SHOP = """
ruleset: shop
version: "2024-01-01"
effective_from: 2024-01-01
status: draft
default_locale: en
title: {en: Shop}
entity: shop
questions:
  staff:
    type: integer
    min: 0
    label: {en: "How many work in the shop?"}
    checks:
      - when: "count(workers) <= staff"
        message: {en: "More workers listed than work in the shop."}
  hours:
    type: integer
    min: 0
    label: {en: "Opening hours?"}
  workers_complete:
    type: boolean
    label: {en: "Listed everyone?"}
collections:
  workers:
    entity: worker
    completeness: ask_another
    completeness_question: workers_complete
    questions:
      worked:
        type: integer
        min: 0
        label: {en: "Hours worked?"}
        checks:
          - when: "worked <= shop.hours"
            message: {en: "Nobody works longer than the shop is open."}
    goals:
      paid: {type: decimal, value: worked * 10, label: {en: Paid}}
goals:
  eligible: {type: boolean, value: "any(workers, worked > 0)", label: {en: Eligible}}
"""


def test_a_root_check_counts_a_list_and_an_instance_check_names_its_parents_answer() -> None:
    data, _ = load_yaml(SHOP, "shop")
    compiled = compile_ruleset(load_document(document_from_data(data)))
    workers = [{"id": "w1", "worked": 5}, {"id": "w2", "worked": 9}]
    answers = {"staff": 1, "hours": 8, "workers": workers}
    evaluate(compiled, {**answers, "hours": 9})  # the list may still grow: a count is unknown
    with pytest.raises(AnswerError) as caught:
        evaluate(compiled, {**answers, "workers_complete": True})
    assert set(caught.value.errors) == {
        "/staff",
        "/workers",  # the list itself may be the wrong answer
        "/workers/w2/worked",
        "/hours",  # the parent's answer the instance's check read
    }
