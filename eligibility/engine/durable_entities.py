"""durable_rules for collections: every boolean goal of every instance decided by durable_rules.

Every boolean goal of a collection's entity gets the same three-rule network as a root
goal (`mapping.py`), named apart (`children/eligible`). A claim with collections runs in
the compiled order of (entity, name) pairs across entities, as the pure engine does
(`engine/pure.py`), except that a boolean goal — the root's or an instance's — is never
computed in Python: where it comes in the order, each instance (or the root) posts one
event per network with its own atoms and takes durable_rules' decision, and everything
after it (an aggregate over the instances' goals, the root's goals, amounts) reads that
decision. Aggregates are atoms of the root's networks, computed by the closures like
every other atom (their Kleene semantics is in `expressions/aggregates.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from eligibility.answers import Answers
from eligibility.compiled_parts import ScopePath
from eligibility.compiler import CompiledRuleSet
from eligibility.engine.durable_program import GoalStep, goal_step
from eligibility.engine.instances import attach
from eligibility.engine.mapping import GoalNetwork, goal_networks
from eligibility.engine.pure import entity_scopes
from eligibility.expressions.values import Value


@dataclass(frozen=True)
class _View:
    """A collection's entity as the mapping reads a version: its named values, all closures."""

    named: Any
    closures: Any


EntitySteps = Mapping[tuple[ScopePath, str], GoalStep]


def entity_steps(compiled: CompiledRuleSet) -> dict[tuple[ScopePath, str], GoalStep]:
    """The step of every boolean goal of every entity (the root's under ()), by (path, goal)."""
    found: dict[tuple[ScopePath, str], GoalStep] = {}
    for path, scope in entity_scopes(compiled).items():
        view = _View(scope.named, compiled.closures)
        for goal in scope.goal_ids:
            if scope.named[goal].type != "boolean":
                continue
            name = "/".join((*path, goal))
            networks: tuple[GoalNetwork, ...] = goal_networks(view, goal, name)  # type: ignore[arg-type]
            found[(path, goal)] = goal_step(scope.named, goal, networks, compiled.closures)
    return found


Settle = Callable[[GoalStep, dict[Any, Value]], None]  # decide a goal in one environment


def run_entities(
    compiled: CompiledRuleSet,
    env: dict[Any, Any],
    instances: Mapping[str, tuple[Answers, ...]],
    steps: EntitySteps,
    settle: Settle,
) -> None:
    """Compute a claim with collections in order, each boolean goal decided by `post`."""
    by_path: dict[ScopePath, list[dict[Any, Any]]] = {(): [env]}
    attach(env, compiled.collections, instances, by_path)
    scopes = entity_scopes(compiled)
    for path, name in compiled.steps:
        targets = by_path.get(path, ())
        step = steps.get((path, name))
        if step is None:
            evaluate = scopes[path].named[name].evaluate
            for target in targets:
                target[name] = evaluate(target)
            continue
        for target in targets:
            for operand in step.operands:
                operand(target)  # what the walk reads of the goal's own expression
            settle(step, target)
