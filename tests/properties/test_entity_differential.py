"""Pure and durable_rules agree on random rule sets with a collection and random answers;
adding an instance to an open list never changes a decided root goal; answering a question
that is not among the next questions changes no goal."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility import Evaluation
from eligibility.evaluation import evaluate

from .entity_strategies import collection_rulesets, documents, members

PROPERTIES = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=120,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def outcome(result: Evaluation) -> dict[str, Any]:
    goals = {k: (g.value, g.decided) for k, g in result.goals.items()}
    for items in result.instances.values():
        for item in items:
            goals.update(
                {f"{item.pointer}/{k}": (g.value, g.decided) for k, g in item.goals.items()}
            )
    return goals


@settings(PROPERTIES, max_examples=60)
@given(data=st.data())
def test_pure_and_durable_agree_on_random_collections(data: st.DataObject) -> None:
    compiled = data.draw(collection_rulesets())
    for _ in range(3):
        doc = data.draw(documents(compiled))
        pure = evaluate(compiled, doc, engine="pure")
        durable = evaluate(compiled, doc, engine="durable")
        assert outcome(durable) == outcome(pure)


@PROPERTIES
@given(data=st.data())
def test_adding_instances_never_changes_a_decided_root_goal(data: st.DataObject) -> None:
    compiled = data.draw(collection_rulesets())
    doc = data.draw(documents(compiled))
    doc.pop("members_complete", None)
    doc.pop("members_count", None)
    before = evaluate(compiled, doc, engine="pure")
    extra = data.draw(members(first=10, most=2))
    grown = evaluate(compiled, {**doc, "members": [*doc["members"], *extra]}, engine="pure")
    for goal, result in before.goals.items():
        if result.decided:
            assert grown.goals[goal].value == result.value, goal


VALUES = {"m_flag": True, "m_flag2": False, "m_num": 7, "r_flag": True, "r_num": 2}


@PROPERTIES
@given(data=st.data())
def test_an_irrelevant_answer_changes_no_goal(data: st.DataObject) -> None:
    compiled = data.draw(collection_rulesets())
    doc = data.draw(documents(compiled))
    before = evaluate(compiled, doc, engine="pure")
    relevant = {q.pointer for q in before.next_questions}
    for key in ("r_flag", "r_num"):
        if key not in doc and f"/{key}" not in relevant:
            changed = {**doc, key: VALUES[key]}
            assert outcome(evaluate(compiled, changed, engine="pure")) == outcome(before), key
    for item in doc["members"]:
        for key in ("m_flag", "m_flag2", "m_num"):
            if key not in item and f"/members/{item['id']}/{key}" not in relevant:
                changed = copy.deepcopy(doc)
                next(m for m in changed["members"] if m["id"] == item["id"])[key] = VALUES[key]
                after = outcome(evaluate(compiled, changed, engine="pure"))
                assert after == outcome(before), (item["id"], key)
