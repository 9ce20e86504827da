"""The durable_rules mapping: Kleene logic as positive conditions, exactly, within the C limits."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from eligibility import evaluate
from eligibility.engine import mapping
from eligibility.engine.formulas import all_of, any_of, holds, operators, terms
from eligibility.engine.mapping import (
    MAX_OPERATORS,
    goal_network,
    goal_networks,
    outcomes,
    rule_definitions,
    single_keyed,
)

from .support import build

BOOLEANS = {f"p{i}": {"type": "boolean", "label": f"p{i}?"} for i in range(4)}


def network_of(expression: str, **parts: Any) -> mapping.GoalNetwork:
    version = build(
        questions=BOOLEANS,
        rules=parts.pop("rules", {}),
        goals={"eligible": {"type": "boolean", "value": expression}},
    )
    return goal_network(version, "eligible")


def satisfied(condition: Any, event: dict[str, str]) -> bool:
    """Whether an event meets a condition, the way durable_rules reads it."""
    if condition is None:
        return True
    if condition is False:
        return False
    ((key, body),) = condition.items()
    if key == "$and":
        return all(satisfied(c, event) for c in body)
    if key == "$or":
        return any(satisfied(c, event) for c in body)
    return event.get(key) == body


EXPRESSIONS = [
    "p0",
    "not p0",
    "p0 and p1",
    "p0 or p1",
    "p0 and (p1 or not p2)",
    "not (p0 or p1) and p2",
    "if p0 then p1 else p2",
    "if p0 then p1 else p1",
    "if p0 then (p1 and p2) else (p1 or p3)",
    "(if p0 then p1 else p2) or (if p2 then p3 else p0)",
    "p0 and true",
    "p0 or false",
    "not (false or p0)",
    "if true then p0 else p1",
]


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_conditions_decide_exactly_as_kleene_logic(expression: str) -> None:
    version = build(
        questions=BOOLEANS, rules={}, goals={"eligible": {"type": "boolean", "value": expression}}
    )
    network = goal_network(version, "eligible")
    for values in itertools.product([True, False, None], repeat=4):
        answers = {f"p{i}": v for i, v in enumerate(values) if v is not None}
        expected = evaluate(version, answers, engine="pure").goals["eligible"].value
        event = {
            key: {True: "T", False: "F"}.get(answers.get(key_name(network, key)), "U")
            for key, _, _ in network.atoms
        }
        when_true = satisfied(network.when_true, event)
        when_false = satisfied(network.when_false, event)
        assert not (when_true and when_false)
        assert (True if when_true else False if when_false else None) == expected, answers


def key_name(network: mapping.GoalNetwork, key: str) -> str:
    (env_key,) = [env for k, env, _ in network.atoms if k == key]
    assert isinstance(env_key, str)  # the atoms here are boolean answers
    return env_key


def test_constants_fold_away() -> None:
    assert network_of("p0 or true").when_true is None  # always
    assert network_of("p0 or true").when_false is False  # never
    assert network_of("p0 and false").when_true is False
    assert network_of("not true").when_false is None
    chosen = network_of("if false then p0 else p1")
    ((key,),) = [list(chosen.when_true)]  # type: ignore[arg-type]
    assert key_name(chosen, key) == "p1"


def test_rules_are_atoms_and_the_same_node_is_one_atom() -> None:
    # Python computes each rule once (reasons and the walk need its value); durable_rules
    # decides the goal's own logic from it: nothing is computed by both.
    network = network_of(
        "r and p0 and (r or p1)", rules={"r": {"when": "p1 or p2", "legal_reference": "§"}}
    )
    assert [env for _, env, _ in network.atoms] == ["r", "p0", "p1"]


def test_condition_helpers() -> None:
    a, b = {"a0": "T"}, {"a1": "F"}
    assert all_of([None, a]) == a and all_of([a, False]) is False and all_of([None]) is None
    assert all_of([a, b]) == {"$and": [a, b]}
    assert any_of([a, None]) is None and any_of([False, False]) is False
    assert any_of([a, b]) == {"$or": [a, b]}
    assert terms({"$and": [{"$or": [a, b]}, {"$or": [a, b, a]}]}) == 6
    assert terms(None) == 1 and terms(a) == 1
    assert operators({"$and": [a, {"$or": [a, b]}]}) == 2 and operators(None) == 0
    assert holds(True, True) is None and holds(True, False) is False
    assert single_keyed({"$and": [a, b]}) and not single_keyed({"a0": "T", "a1": "F"})
    assert not single_keyed([{"a": 1, "b": 2}])


def test_three_rules_per_goal_and_never_for_impossible_outcomes() -> None:
    network = network_of("p0 and p1")
    rules = rule_definitions(network)
    assert sorted(rules) == ["eligible:F", "eligible:T", "eligible:U"]
    assert rules["eligible:U"] == {"pri": 2, "all": [{"m": {"goal": "eligible"}}]}
    assert rules["eligible:T"]["pri"] == 1
    assert "run" not in rules["eligible:T"]  # no Python action runs inside durable_rules
    assert outcomes(network) == {"eligible:T": True, "eligible:F": False, "eligible:U": None}
    assert sorted(rule_definitions(network_of("p0 or true"))) == ["eligible:T", "eligible:U"]


def test_a_goal_of_six_ifs_runs_on_durable_rules() -> None:
    wide = " and ".join(f"(if p{i % 4} then p{(i + 1) % 4} else p{(i + 2) % 4})" for i in range(6))
    version = build(
        questions=BOOLEANS, rules={}, goals={"eligible": {"type": "boolean", "value": wide}}
    )
    assert evaluate(version, {}, engine="durable").outcome == {"eligible": None}


def test_rules_stay_atoms_however_large_they_are() -> None:
    nested = " and ".join(
        f"(if p{i % 4} then p{(i + 1) % 4} else p{(i + 2) % 4})" for i in range(3)
    )
    network = network_of(
        "r1 and r2",
        rules={
            "r1": {"when": nested, "legal_reference": "§"},
            "r2": {"when": nested.replace("p0", "p3"), "legal_reference": "§"},
        },
    )
    assert [env for _, env, _ in network.atoms] == ["r1", "r2"]
    for condition in (network.when_true, network.when_false):
        assert operators(all_of([{"goal": "eligible"}, condition])) <= MAX_OPERATORS


def test_a_long_chain_of_rules_runs_on_durable_rules() -> None:
    rules = {"r_0": {"when": "p0", "legal_reference": "§"}}
    for i in range(1, 110):
        rules[f"r_{i}"] = {"when": f"r_{i - 1} and p{i % 3 + 1}", "legal_reference": "§"}
    version = build(
        questions=BOOLEANS, rules=rules, goals={"eligible": {"type": "boolean", "value": "r_109"}}
    )
    answers = {f"p{i}": True for i in range(4)}
    assert evaluate(version, answers, engine="durable").outcome == {"eligible": True}
    answers["p2"] = False
    assert evaluate(version, answers, engine="durable").outcome == {"eligible": False}


def test_goals_beyond_fifteen_and_or_run_on_durable_rules() -> None:
    version = build(
        questions={"b": {"type": "boolean", "label": "b?"}},
        rules={"r": {"when": "b and b", "legal_reference": "§"}},
        goals={"eligible": {"type": "boolean", "value": "if r then r else (if r then r else r)"}},
    )
    assert evaluate(version, {"b": True}, engine="durable").outcome == {"eligible": True}
    assert evaluate(version, {}, engine="durable").outcome == {"eligible": None}


@pytest.mark.parametrize("junction", [" and ", " or "])
def test_a_goal_too_large_for_one_rule_is_split_into_parts_that_agree_with_kleene(
    junction: str,
) -> None:
    wide = junction.join(
        f"(if p{i % 4} then p{(i + 1) % 4} else not p{(i + 3) % 4})" for i in range(40)
    )
    version = build(
        questions=BOOLEANS, rules={}, goals={"eligible": {"type": "boolean", "value": wide}}
    )
    networks = mapping.goal_networks(version, "eligible")
    assert len(networks) > 1 and networks[-1].goal == "eligible"
    for answers in itertools.islice(itertools.product([True, False, None], repeat=4), 0, None, 7):
        given = {f"p{i}": v for i, v in enumerate(answers) if v is not None}
        durable = evaluate(version, given, engine="durable").outcome
        assert durable == evaluate(version, given, engine="pure").outcome


def test_parts_split_again_get_names_of_their_own() -> None:
    # Each `and` of six ifs is split into parts, and each of those split again: before the
    # parts were numbered when named, a part and its own first part were both `eligible.1`
    # (the later rule replaced the earlier, and the goal stayed undecided under durable).
    questions = {f"q{i}": {"type": "integer", "label": "x"} for i in range(40)}
    ifs = [f"(if q{i} > 1 then q{i + 1} > 2 else q{i + 2} > 3)" for i in range(0, 36, 3)]
    expression = f"({' and '.join(ifs[:6])}) or ({' and '.join(ifs[6:])})"
    version = build(
        questions=questions,
        rules=None,
        goals={"eligible": {"type": "boolean", "value": expression}},
    )
    names = [network.goal for network in goal_networks(version, "eligible")]
    assert len(names) == len(set(names)) > 2
    answers = {f"q{i}": i % 4 for i in range(40)}
    pure = evaluate(version, answers, engine="pure").goals["eligible"]
    durable = evaluate(version, answers, engine="durable").goals["eligible"]
    assert (durable.value, durable.decided) == (pure.value, pure.decided)
