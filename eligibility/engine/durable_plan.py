"""A compiled version's durable path, made once per compiled object: goal steps and program.

The plan reads environment keys by `id(node)`, so it belongs to one compiled object (a
version compiled again has other nodes); the C ruleset it registers depends only on the
version's content and is shared by every compile of it (`durable.py`, by content hash).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import Any

from eligibility.compiler import CompiledRuleSet
from eligibility.engine.durable_entities import EntitySteps, entity_steps
from eligibility.engine.durable_program import DurableProgram, durable_program
from eligibility.engine.mapping import GoalNetwork, rule_definitions


@dataclass(frozen=True)
class Plan:
    """How one compiled version is evaluated on durable_rules."""

    key: str  # CompiledRuleSet.key: the registration's (content hash), found without a format
    name: str  # the C ruleset's name
    goals: tuple[str, ...]  # the root's boolean goals, in the compiled order
    networks: tuple[GoalNetwork, ...]  # the root goals' networks, parts first
    steps: EntitySteps  # every boolean goal of every entity (the root's under ())
    program: DurableProgram | None  # None for a version with collections (`run_entities`)
    definitions: dict[str, Any]  # the durable rules of every network (the C ruleset)


_plans: dict[int, tuple[weakref.ref[CompiledRuleSet], Plan]] = {}
_lock = threading.Lock()


def plan(compiled: CompiledRuleSet) -> Plan:
    """The version's plan (made on first use, dropped with the compiled object)."""
    found = _plans.get(id(compiled))
    if found is not None and found[0]() is compiled:
        return found[1]
    with _lock:
        made = make(compiled)
        key = id(compiled)
        _plans[key] = (weakref.ref(compiled, lambda _: _plans.pop(key, None)), made)
    return made


def make(compiled: CompiledRuleSet) -> Plan:
    """The plan of a version, made now (mapping, generated program, rule definitions)."""
    steps = entity_steps(compiled)
    goals = tuple(name for name in compiled.order if ((), name) in steps)
    definitions: dict[str, Any] = {}
    for step in steps.values():
        for network in step.networks:
            definitions.update(rule_definitions(network))
    flat = not (compiled.steps or compiled.collections)
    program = durable_program(compiled, {g: steps[((), g)] for g in goals}) if flat else None
    networks = tuple(network for g in goals for network in steps[((), g)].networks)
    name = f"{compiled.ruleset.id}_{compiled.ruleset.version}_{compiled.content_hash[:16]}"
    return Plan(compiled.key, name, goals, networks, steps, program, definitions)
