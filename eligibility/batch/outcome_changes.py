"""The rules behind a change between two outcomes (batches' and jobs' rows whose goals differ).

`changes` (baseline and reform) and `changes_since` (a recorded decision and its what-if)
give what `goal_changes` finds between the full evaluations with their trace, worked out
from the values already computed; tests/properties/test_batch_outcomes.py holds both to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eligibility.batch.outcomes import Outcome
from eligibility.compiled_parts import CompiledCollection, Named
from eligibility.compiler import CompiledRuleSet
from eligibility.decisions.changes import GoalChange, Labels, RuleChange, goal_changes, goal_value
from eligibility.entity_evaluation import reasons_of
from eligibility.entity_relevance import entity_walk
from eligibility.evaluation import trace
from eligibility.expressions.aggregates import collection_key
from eligibility.expressions.values import Value
from eligibility.relevance import walk
from eligibility.values_io import trace_value


def changes(
    before_version: CompiledRuleSet,
    before: Outcome,
    after_version: CompiledRuleSet,
    after: Outcome,
    locale: str,
) -> tuple[GoalChange, ...]:
    """`goal_changes` between two outcomes, as between the full evaluations with their trace.

    Reasons are the rule ids and values (`goal_changes` reads no text); the trace holds the
    steps of the rules that are a reason on either side and whose result differs between
    the sides (with collections, every step): `goal_changes` reads a rule's steps only to
    compare their results, and their inputs where those differ; a rule without a step on
    one side has the result None there.
    """
    old_reasons, new_reasons = _reasons(before_version, before), _reasons(after_version, after)
    wanted = _rules(old_reasons, new_reasons)
    if before_version.collections or after_version.collections:
        old_steps = _trace(before_version, before.env, wanted)
        new_steps = _trace(after_version, after.env, wanted)
    else:
        old_steps, new_steps = _differing_steps(
            before_version, before, after_version, after, wanted
        )
    old = _details(before, old_reasons, old_steps)
    new = _details(after, new_reasons, new_steps)
    return goal_changes(old, new, after_version, locale)


def _differing_steps(
    before_version: CompiledRuleSet,
    before: Outcome,
    after_version: CompiledRuleSet,
    after: Outcome,
    wanted: set[str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The trace steps, on each side, of the `wanted` rules whose results differ."""
    old_steps, new_steps = [], []
    old_env, new_env = before.env, after.env
    for name in wanted:
        old = before_version.named.get(name)
        new = after_version.named.get(name)
        old_result = trace_value(old_env[name]) if old is not None else None
        new_result = trace_value(new_env[name]) if new is not None else None
        if old_result == new_result:
            continue
        if old is not None:
            old_steps.append(_step_of(old, old_env, old_result))
        if new is not None:
            new_steps.append(_step_of(new, new_env, new_result))
    return old_steps, new_steps


def _step_of(named: Named, env: Mapping[Any, Value], result: Any) -> dict[str, Any]:
    inputs = {r: trace_value(env[r]) for r in named.reads if r in env}
    return _step(named.id, named.kind, inputs, result, named.legal_reference)


def changes_since(
    recorded: Mapping[str, Any], version: CompiledRuleSet, outcome: Outcome, locale: str
) -> tuple[GoalChange, ...]:
    """`goal_changes` between a recorded outcome (plain, with its trace) and `outcome`.

    Without collections worked out directly from the values (`_flat_changes_since`);
    with them from the reasons and trace steps written as `outcome_of` has them, a step
    whose result is the recorded one without its inputs (goal_changes reads them only
    where the results differ).
    """
    if not version.collections:
        return _flat_changes_since(recorded, version, outcome, locale)
    reasons = _reasons(version, outcome)
    wanted = _rules(recorded["reasons"], reasons)
    before = {s["name"]: s.get("result") for s in recorded["trace"] if s.get("name") in wanted}
    steps = _trace(version, outcome.env, wanted, before)
    return goal_changes(recorded, _details(outcome, reasons, steps), version, locale)


def _flat_changes_since(
    recorded: Mapping[str, Any], version: CompiledRuleSet, outcome: Outcome, locale: str
) -> tuple[GoalChange, ...]:
    """`goal_changes` as it finds them between `recorded` and the full outcome, read off `env`.

    No reasons or trace steps are written for the new side: a goal's reasons are its rules'
    values from the walk, a rule's step result its value as the trace shows it, and its
    inputs are read only where its result differs from the recorded step's. Goals in the
    same order, a rule behind several goals compared once, each comparison as goal_changes
    makes it (tests/properties/test_batch_outcomes.py holds the two together).
    """
    env, named = outcome.env, version.named
    walked = walk(version, env, outcome.answers.dont_know).reasons
    # A reason's value as recorded: a truth value, else None (as `_reason` writes it).
    now = {
        g.id: {r: v if type(v := env[r]) is bool else None for r in walked[g.id]}
        for g in version.ruleset.goals
    }
    old_goals, old_reasons, new_values = recorded["goals"], recorded["reasons"], outcome.goals
    old_steps = {step["name"]: step for step in recorded["trace"]}
    texts = Labels.of(version, locale)
    found = []
    made: dict[str, RuleChange | None] = {}  # a rule behind several goals compared once
    for goal in [*old_goals, *(g for g in new_values if g not in old_goals)]:
        before = {r["rule"]: r.get("value") for r in old_reasons.get(goal, ())}
        after = now.get(goal, {})
        old_value, new_value = goal_value(old_goals.get(goal)), new_values.get(goal)
        if old_value == new_value and before == after:
            continue
        rules = []
        for rule in [*before, *(r for r in after if r not in before)]:
            if rule not in made:
                old = old_steps.get(rule, {})
                made[rule] = _rule_change(rule, old, named.get(rule), env, texts)
            if (change := made[rule]) is not None:
                rules.append(change)
        found.append(GoalChange(goal, texts.goal(goal), old_value, new_value, tuple(rules)))
    return tuple(found)


def _rule_change(
    rule: str, old: Mapping[str, Any], now: Named | None, env: Mapping[Any, Value], texts: Labels
) -> RuleChange | None:
    """As goal_changes compares a rule's steps, the new one read off `env` (None: no step)."""
    result = trace_value(env[rule]) if now is not None else None
    if old.get("result") == result:
        return None
    old_inputs = old.get("inputs") or {}
    new_inputs = {r: trace_value(env[r]) for r in now.reads if r in env} if now else {}
    inputs = {
        name: (old_inputs.get(name), new_inputs.get(name))
        for name in [*old_inputs, *(n for n in new_inputs if n not in old_inputs)]
        if old_inputs.get(name) != new_inputs.get(name)
    }
    reference = (now.legal_reference if now is not None else None) or old.get("legal_reference")
    return RuleChange(rule, texts.rule(rule), old.get("result"), result, reference, inputs)


def _rules(*sides: Mapping[str, Any]) -> set[str]:
    """The rules that are a reason of some goal on either side."""
    return {r["rule"] for side in sides for found in side.values() for r in found}


def _details(
    outcome: Outcome, reasons: dict[str, list[dict[str, Any]]], steps: list[dict[str, Any]]
) -> dict[str, Any]:
    """Goals, reasons and trace as `outcome_of` records them (the parts `goal_changes` reads)."""
    return {
        "goals": outcome.records(),
        "reasons": reasons,
        "trace": steps,
    }


def _trace(
    compiled: CompiledRuleSet,
    env: Mapping[Any, Value],
    wanted: set[str],
    same_if: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The trace steps of the `wanted` rules (every step, with collections).

    A rule whose result equals its result in `same_if` gets its step without inputs.
    """
    if compiled.collections:
        return [
            _step(s.name, s.kind, s.inputs, s.result, s.legal_reference)
            for s in trace(compiled, env)
        ]
    steps = []
    for name in compiled.order:  # as `trace` writes them, for the rules wanted only
        if name in wanted:
            named, result = compiled.named[name], trace_value(env[name])
            if same_if is not None and name in same_if and same_if[name] == result:
                inputs = {}
            else:
                inputs = {r: trace_value(env[r]) for r in named.reads if r in env}
            steps.append(_step(name, named.kind, inputs, result, named.legal_reference))
    return steps


def _step(
    name: str, kind: str, inputs: Mapping[str, Any], result: Any, reference: str | None
) -> dict[str, Any]:
    """A trace step as `outcome_of` records it (its values plain already, as a trace has them)."""
    return {
        "name": name,
        "kind": kind,
        "inputs": dict(inputs),
        "result": result,
        "legal_reference": reference,
    }


def _reasons(compiled: CompiledRuleSet, outcome: Outcome) -> dict[str, list[dict[str, Any]]]:
    """The rules behind each goal, found by the same walks `evaluate` makes."""
    env = outcome.env
    if not compiled.collections:
        found = walk(compiled, env, outcome.answers.dont_know)
        return {
            g.id: [_reason(rule, env[rule]) for rule in found.reasons[g.id]]
            for g in compiled.ruleset.goals
        }
    walked = entity_walk(compiled, env, outcome.answers)
    reasons = {
        g.id: [_reason(where, value) for where, _, value, _ in reasons_of(walked, g.id)]
        for g in compiled.ruleset.goals
    }
    _instance_reasons(compiled.collections, env, walked.instance_reasons, "", reasons)
    return reasons


def _instance_reasons(
    collections: Mapping[str, CompiledCollection],
    env: Mapping[Any, Any],
    reached: Mapping[tuple[str, str], frozenset[str]],
    at: str,
    reasons: dict[str, list[dict[str, Any]]],
) -> None:
    """An instance goal's reasons: the instance's rules that decided it, in order."""
    for cid, scope in collections.items():
        for iid, inner in env[collection_key(cid)]:
            where = f"{at}/{cid}/{iid}"
            for goal in scope.collection.goals:
                decided = reached.get((where, goal.id), frozenset())
                reasons[f"{where}/{goal.id}"] = [
                    _reason(r, inner[r])
                    for r in scope.order
                    if r in decided and isinstance(inner[r], bool)
                ]
            _instance_reasons(scope.collections, inner, reached, where, reasons)


def _reason(rule: str, value: Value) -> dict[str, Any]:
    return {"rule": rule, "value": value if isinstance(value, bool) else None}
