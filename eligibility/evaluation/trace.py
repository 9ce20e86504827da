"""Computed values → the trace: every named value with the inputs it read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eligibility.compiler import CompiledRuleSet
from eligibility.evaluation.result import TraceStep
from eligibility.expressions.values import Value
from eligibility.instance_results import instance_trace
from eligibility.values_io import trace_value


def trace(compiled: CompiledRuleSet, env: Mapping[Any, Value]) -> tuple[TraceStep, ...]:
    """Every named value in evaluation order with the scalar inputs it read.

    Each instance's values follow, named by JSON Pointer (`/children/c1/amount`).
    """
    steps = []
    for name in compiled.order:
        named = compiled.named[name]
        inputs = {r: trace_value(env[r]) for r in named.reads if r in env}
        steps.append(
            TraceStep(name, named.kind, inputs, trace_value(env[name]), named.legal_reference)
        )
    steps.extend(TraceStep(*step) for step in instance_trace(compiled.collections, env))
    return tuple(steps)
