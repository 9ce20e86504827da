"""Computed values → the trace: every named value with the inputs it read."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from eligibility.compiler import CompiledRuleSet
from eligibility.evaluation.result import TraceStep
from eligibility.expressions.values import Value
from eligibility.instance_results import instance_trace
from eligibility.values_io import PLAIN_TYPES, trace_value

CACHED = 64  # plans kept (a worker holds at most this many compiled versions)
# One step of a version's trace: its name, kind, the names it reads, its legal reference.
Step = tuple[str, str, tuple[str, ...], str | None]


def trace(compiled: CompiledRuleSet, env: Mapping[Any, Value]) -> tuple[TraceStep, ...]:
    """Every named value in evaluation order with the scalar inputs it read.

    Each value is shown once (`trace_value`, the usual kinds inline), however many
    steps read it. Each instance's values follow, named by JSON Pointer
    (`/children/c1/amount`).
    """
    names, plan = _plan(compiled)
    shown: dict[str, Any] = {}
    for name in names:
        if name in env:
            value = env[name]
            kind = type(value)
            if kind is Decimal:
                shown[name] = format(value, "f")  # as to_plain writes it
            elif kind in PLAIN_TYPES:
                shown[name] = value
            else:
                shown[name] = trace_value(value)
    steps = [
        TraceStep(name, kind, {r: shown[r] for r in reads if r in shown}, shown[name], reference)
        for name, kind, reads, reference in plan
    ]
    steps.extend(TraceStep(*step) for step in instance_trace(compiled.collections, env))
    return tuple(steps)


def _plan(compiled: CompiledRuleSet) -> tuple[tuple[str, ...], tuple[Step, ...]]:
    """Every name the version's trace shows, and its steps (made once per version)."""
    found = _plans.get(id(compiled))
    if found is not None and found[0] is compiled:
        return found[1]
    steps = tuple(
        (name, named.kind, tuple(named.reads), named.legal_reference)
        for name, named in ((n, compiled.named[n]) for n in compiled.order)
    )
    names = tuple(dict.fromkeys(n for name, _, reads, _ in steps for n in (*reads, name)))
    if len(_plans) >= CACHED:
        _plans.clear()
    _plans[id(compiled)] = (compiled, (names, steps))
    return names, steps


_plans: dict[int, tuple[CompiledRuleSet, tuple[tuple[str, ...], tuple[Step, ...]]]] = {}
