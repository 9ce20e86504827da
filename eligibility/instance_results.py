"""Per-instance results of an evaluation: each instance's goals, label and trace steps."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from eligibility.compiled_parts import CompiledCollection
from eligibility.expressions.aggregates import Instances, collection_key
from eligibility.model import Goal
from eligibility.values_io import pointer, trace_value


@dataclass(frozen=True)
class InstanceResult:
    """One instance of a collection: its goals (each employee's allowance) and sub-collections."""

    id: str
    pointer: str  # JSON Pointer of the instance in the answers document: /children/c1
    label: str | None
    goals: Mapping[str, Any]  # goal id → evaluation.GoalResult
    collections: Mapping[str, tuple[InstanceResult, ...]] = field(default_factory=dict)
    complete: Mapping[str, bool] = field(default_factory=dict)


# (goal, instance env, compiled collection, pointer of the instance) → GoalResult
GoalMaker = Callable[[Goal, dict[Any, Any], CompiledCollection, str], Any]
LabelMaker = Callable[[CompiledCollection, dict[Any, Any]], "str | None"]


def instance_results(
    collections: Mapping[str, CompiledCollection],
    env: Mapping[Any, Any],
    goal: GoalMaker,
    label: LabelMaker,
    at: tuple[str, ...] = (),
) -> dict[str, tuple[InstanceResult, ...]]:
    """The results of every instance under `env`, collection by collection."""
    found: dict[str, tuple[InstanceResult, ...]] = {}
    for cid, compiled in collections.items():
        items: Instances = env[collection_key(cid)]
        results = []
        prefix = pointer(*at, cid)
        for iid, inner in items:
            where, at_instance = (*at, cid, iid), f"{prefix}/{iid}"  # ids need no escaping
            results.append(
                InstanceResult(
                    id=iid,
                    pointer=at_instance,
                    label=label(compiled, inner),
                    goals={
                        g.id: goal(g, inner, compiled, at_instance)
                        for g in compiled.collection.goals
                    },
                    collections=instance_results(compiled.collections, inner, goal, label, where),
                )
            )
        found[cid] = tuple(results)
    return found


def all_instances(instances: Mapping[str, tuple[InstanceResult, ...]]) -> list[InstanceResult]:
    """Every instance, nested ones after their parent, in the order listed."""
    found: list[InstanceResult] = []
    for items in instances.values():
        for item in items:
            found.append(item)
            found.extend(all_instances(item.collections))
    return found


def instance_trace(
    collections: Mapping[str, CompiledCollection],
    env: Mapping[Any, Any],
    at: tuple[str, ...] = (),
) -> list[tuple[str, str, dict[str, Any], Any, str | None]]:
    """Trace steps of every instance: (name as a JSON Pointer, kind, inputs, result, reference)."""
    steps: list[tuple[str, str, dict[str, Any], Any, str | None]] = []
    for cid, compiled in collections.items():
        for iid, inner in env[collection_key(cid)]:
            where = (*at, cid, iid)
            for name in compiled.order:
                named = compiled.named[name]
                inputs = {r: trace_value(inner[r]) for r in named.reads if r in inner}
                steps.append(
                    (
                        pointer(*where, name),
                        named.kind,
                        inputs,
                        trace_value(inner[name]),
                        named.legal_reference,
                    )
                )
            steps.extend(instance_trace(compiled.collections, inner, where))
    return steps
