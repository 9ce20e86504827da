"""Whether a replay reproduced a recorded trace, as cheaply as the usual cases allow.

Under the recorded version the trace is nearly always reproduced: the trace computed now is
written as the store wrote it (`trace_text`) and compared with the stored text unparsed.
Otherwise (another version, or texts that differ) the recorded trace is parsed and compared
by rule, as the single replay compares it: in step order while the names keep in step,
stopping at the first step that differs; by name where they do not.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from eligibility.batch.trace_text import WRITERS, template
from eligibility.compiler import CompiledRuleSet
from eligibility.decisions import Difference
from eligibility.evaluation import trace
from eligibility.expressions.values import Value
from eligibility.values_io import trace_value

Step = dict[str, Any]


def reproduced(text: str, version: CompiledRuleSet, env: Mapping[Any, Value]) -> bool:
    """Whether the trace of `env`, written as the stored `text` was written, is that text.

    PostgreSQL keeps a record's canonical text (keys sorted: a step begins with its
    inputs), SQLite the JSON type's. Equal texts hold equal values; unequal ones are
    compared by value (`first_difference`).
    """
    writer = "canonical" if text.startswith('[{"inputs":') else "json"
    if not version.collections:
        return template(version, writer, env).write(env) == text
    return WRITERS[writer](list(steps(version, env))) == text


def first_difference(
    recorded: list[Step], version: CompiledRuleSet, env: Mapping[Any, Value]
) -> Difference | None:
    """The first rule whose step differs (`trace.<name>`); None when every step is the same."""
    made = steps(version, env)
    seen: list[Step] = []
    if len({s.get("name") for s in recorded}) == len(recorded):  # each rule once, as recorded
        for old in recorded:
            new = next(made, None)
            if new is None or new["name"] != old.get("name"):
                seen += [new] if new is not None else []
                break  # out of step: compared by name below
            if old != new:
                return _difference(new["name"], old, new)
            seen.append(new)
        else:
            extra = next(made, None)
            if extra is None:
                return None
            seen.append(extra)
    before, after = _by_rule(recorded), _by_rule([*seen, *made])
    if before == after:  # the same values, in another order
        return None
    name = next(n for n in [*after, *before] if before.get(n) != after.get(n))
    return Difference(f"trace.{name}", before.get(name), after.get(name))


def _difference(name: str, old: Step, new: Step) -> Difference:
    return Difference(f"trace.{name}", _without_name(old), _without_name(new))


def _by_rule(found: list[Step]) -> dict[str, Step]:
    return {s["name"]: _without_name(s) for s in found}


def _without_name(step: Step) -> Step:
    return {k: v for k, v in step.items() if k != "name"}


def _plain(value: Value) -> Any:
    """`trace_value`, the usual kinds without its checks."""
    kind = type(value)
    if kind is bool or kind is int or kind is str:
        return value
    if kind is Decimal:
        return format(value, "f")
    return trace_value(value)


def steps(version: CompiledRuleSet, env: Mapping[Any, Value]) -> Iterator[Step]:
    """The trace as a decision records it (`outcome_of`), step by step, each value plain once."""
    if version.collections:
        for s in trace(version, env):  # inputs and results plain already
            yield {
                "name": s.name,
                "kind": s.kind,
                "inputs": dict(s.inputs),
                "result": s.result,
                "legal_reference": s.legal_reference,
            }
        return
    plain: dict[str, Any] = {}
    for name in version.order:  # as `evaluation.trace` writes a version without collections
        named = version.named[name]
        for read in (*named.reads, name):
            if read not in plain and read in env:
                plain[read] = _plain(env[read])
        yield {
            "name": name,
            "kind": named.kind,
            "inputs": {r: plain[r] for r in named.reads if r in env},
            "result": plain[name],
            "legal_reference": named.legal_reference,
        }
