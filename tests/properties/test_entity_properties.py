"""Properties of claims with collections, on the worked example (tests/fixtures/family-allowance).

(a) answering a question that is not among the next questions never changes a goal (the
    root's or an instance's);
(b) adding an instance to an incomplete collection never flips a decided `any`/`all` (nor
    any other decided root goal: aggregates are monotone);
(c) removing the ignored answers changes nothing;
(d) pure and durable_rules give the same goals and decidedness.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility import CompiledRuleSet, Evaluation, load_paths
from eligibility.compiler import compile_ruleset
from eligibility.evaluation import evaluate

FAMILY = Path(__file__).parents[1] / "fixtures" / "family-allowance"
PROPERTIES = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@functools.cache
def _family() -> CompiledRuleSet:
    (ruleset,) = load_paths([FAMILY])
    return compile_ruleset(ruleset)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@st.composite
def children(draw: st.DrawFn, first: int = 0) -> list[dict[str, Any]]:
    count = draw(st.integers(0, 4))
    found = []
    for i in range(first, first + count):
        child: dict[str, Any] = {"id": f"c{i}"}
        for key, value in (
            ("name", draw(maybe(st.sampled_from(["Anna", "Ben"])))),
            ("age", draw(maybe(st.integers(0, 40)))),
            ("in_education", draw(maybe(st.booleans()))),
        ):
            if value is not None:
                child[key] = value
        found.append(child)
    return found


@st.composite
def claims(draw: st.DrawFn) -> dict[str, Any]:
    claim: dict[str, Any] = {"children": draw(children())}
    for key, value in (
        ("resident", draw(maybe(st.booleans()))),
        ("children_complete", draw(maybe(st.just(True)))),
    ):
        if value is not None:
            claim[key] = value
    return claim


def outcome(result: Evaluation) -> dict[str, Any]:
    goals = {k: (g.value, g.decided) for k, g in result.goals.items()}
    for items in result.instances.values():
        for item in items:
            goals.update(
                {f"{item.pointer}/{k}": (g.value, g.decided) for k, g in item.goals.items()}
            )
    return goals


def run(claim: dict[str, Any], engine: str = "pure") -> Evaluation:
    return evaluate(_family(), claim, engine=engine)  # type: ignore[arg-type]


def _set(claim: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(claim)
    parts = path.strip("/").split("/")
    if len(parts) == 1:
        changed[parts[0]] = value
    else:
        cid, iid, qid = parts
        next(c for c in changed[cid] if c["id"] == iid)[qid] = value
    return changed


UNANSWERED: dict[str, list[Any]] = {
    "resident": [True, False],
    "children_complete": [True],
    "name": ["Cleo"],
    "age": [2, 19, 30],
    "in_education": [True, False],
}


def _unanswered(claim: dict[str, Any]) -> list[str]:
    found = [f"/{q}" for q in ("resident", "children_complete") if q not in claim]
    for child in claim["children"]:
        found += [
            f"/children/{child['id']}/{q}"
            for q in ("name", "age", "in_education")
            if q not in child
        ]
    return found


@PROPERTIES
@given(claim=claims(), data=st.data())
def test_answering_an_irrelevant_question_changes_no_goal(
    claim: dict[str, Any], data: st.DataObject
) -> None:
    before = run(claim)
    relevant = {q.pointer for q in before.next_questions}
    for path in _unanswered(claim):
        if path in relevant:
            continue
        value = data.draw(st.sampled_from(UNANSWERED[path.rsplit("/", 1)[1]]))
        assert outcome(run(_set(claim, path, value))) == outcome(before), path


@PROPERTIES
@given(claim=claims(), extra=children(first=10))
def test_adding_instances_to_an_open_list_never_changes_a_decided_root_goal(
    claim: dict[str, Any], extra: list[dict[str, Any]]
) -> None:
    claim.pop("children_complete", None)
    before = run(claim)
    grown = run({**claim, "children": [*claim["children"], *extra]})
    for goal, result in before.goals.items():
        if result.decided:
            assert grown.goals[goal].value == result.value, goal


@PROPERTIES
@given(claim=claims())
def test_removing_ignored_answers_changes_nothing(claim: dict[str, Any]) -> None:
    before = run(claim)
    stripped = claim
    for path in before.ignored_answers:
        parts = path.strip("/").split("/")
        stripped = copy.deepcopy(stripped)
        if len(parts) == 1:
            stripped.pop(parts[0])
        else:
            cid, iid, qid = parts
            next(c for c in stripped[cid] if c["id"] == iid).pop(qid)
    assert outcome(run(stripped)) == outcome(before)


@settings(PROPERTIES, max_examples=80)
@given(claim=claims())
def test_pure_and_durable_agree(claim: dict[str, Any]) -> None:
    assert outcome(run(claim, "durable")) == outcome(run(claim, "pure"))
