"""durable_rules for collections: each instance's boolean goals decided by durable_rules.

Every boolean goal of a collection's entity gets the same three-rule network as a root goal
(`mapping.py`), named apart (`children/eligible`); each instance posts one event per network
with its own atoms, so one action fires per instance goal. Aggregates are atoms of the root's
networks, computed by the closures like every other atom (their Kleene semantics is in
`expressions/aggregates.py`). After the instances' goals are decided, every value that reads
them is computed again from durable_rules' decisions, in the compiled order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eligibility.compiled_parts import ScopePath
from eligibility.compiler import CompiledRuleSet
from eligibility.engine.mapping import GoalNetwork, goal_networks
from eligibility.expressions.aggregates import Instances, collection_key
from eligibility.expressions.values import UNKNOWN, Failure, Value


@dataclass(frozen=True)
class _View:
    """A collection's entity as the mapping reads a version: its named values, all closures."""

    named: Any
    closures: Any


@dataclass(frozen=True)
class ScopedNetworks:
    """The networks of the boolean goals of one collection's entity."""

    path: ScopePath
    goals: tuple[tuple[str, str], ...]  # (goal id, network name)
    networks: tuple[GoalNetwork, ...]


def entity_networks(compiled: CompiledRuleSet) -> tuple[ScopedNetworks, ...]:
    """The networks of every collection's boolean goals (none for a flat version)."""
    found: list[ScopedNetworks] = []
    stack = list(compiled.collections.values())
    while stack:
        scope = stack.pop()
        stack.extend(scope.collections.values())
        view = _View(scope.named, compiled.closures)
        goals = [g for g in scope.goal_ids if scope.named[g].type == "boolean"]
        named = tuple((g, "/".join((*scope.path, g))) for g in goals)
        networks = tuple(n for g, name in named for n in goal_networks(view, g, name))  # type: ignore[arg-type]
        if networks:
            found.append(ScopedNetworks(scope.path, named, networks))
    return tuple(found)


def envs_by_path(compiled: CompiledRuleSet, env: dict[Any, Any]) -> dict[ScopePath, list[Any]]:
    """Every entity's environments by the path of its kind, the root's under ()."""
    found: dict[ScopePath, list[Any]] = {(): [env]}
    stack = [(compiled.collections, env)]
    while stack:
        collections, parent = stack.pop()
        for cid, scope in collections.items():
            items: Instances = parent[collection_key(cid)]
            found.setdefault(scope.path, []).extend(items.envs)
            stack.extend((scope.collections, inner) for inner in items.envs)
    return found


Decide = Callable[[tuple[GoalNetwork, ...], dict[Any, Any]], dict[str, bool | None]]


def decide_instances(
    compiled: CompiledRuleSet,
    env: dict[Any, Any],
    scoped: tuple[ScopedNetworks, ...],
    decide: Decide,
) -> None:
    """Decide every instance's boolean goals with durable_rules, then recompute what reads them."""
    if not scoped:
        return
    by_path = envs_by_path(compiled, env)
    fixed: dict[tuple[int, str], Value] = {}
    for entity in scoped:
        for inner in by_path.get(entity.path, ()):
            decided = decide(entity.networks, inner)
            for goal, name in entity.goals:
                value = decided[name]
                fixed[(id(inner), goal)] = value if value is not None else _undecided(inner[goal])
    scopes = _scopes(compiled)
    for path, name in compiled.steps:
        evaluate = scopes[path].named[name].evaluate
        for target in by_path.get(path, ()):
            key = (id(target), name)
            target[name] = fixed[key] if key in fixed else evaluate(target)


def _undecided(pure_value: Value) -> Value:
    return pure_value if isinstance(pure_value, Failure) else UNKNOWN


def _scopes(compiled: CompiledRuleSet) -> dict[ScopePath, Any]:
    found: dict[ScopePath, Any] = {(): compiled}
    stack = list(compiled.collections.values())
    while stack:
        scope = stack.pop()
        found[scope.path] = scope
        stack.extend(scope.collections.values())
    return found
