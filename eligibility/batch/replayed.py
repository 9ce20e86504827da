"""A recorded decision replayed for a job: goal values first, the rules behind a change after.

A job asks of each decision whether its outcome changed, and if so how and which rules
made the difference. Its goal values (`outcomes.goal_values`, no next questions or reason
texts) answer the first; the changes are worked out only where a goal differs, from the
values already computed. Where every goal is recorded the same, the trace computed now is
written as the stored text is written and compared with it unparsed (the usual case: a
replay under the recorded version reproduces it); only where the texts differ is the
recorded trace parsed and compared by rule: `identical` when every value is reproduced,
else `unchanged` (same outcomes, other values) with the first rule whose step differs as
its one difference (a job keeps no details). A single replay (`decisions.replay`) also
compares the reasons' wording and the ignored answers, lists goals whose reasons alone
changed and every leaf that differs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from eligibility.batch.outcomes import changes_since, goal_values
from eligibility.batch.trace_text import WRITERS, template
from eligibility.compiler import CompiledRuleSet
from eligibility.decisions import Decision, Difference, ReplayResult, differences, goal_value
from eligibility.decisions.recorded import Recorded
from eligibility.errors import EligibilityError
from eligibility.evaluation import EngineName, trace
from eligibility.expressions.values import Value
from eligibility.values_io import to_plain, trace_value

Step = dict[str, Any]


def replayed(
    decision: Decision | Recorded,
    version: CompiledRuleSet,
    as_of: dt.date | None = None,
    engine: EngineName = "durable",
) -> ReplayResult:
    """`decision` re-evaluated under `version`: same outcome (identical or not), or changes."""
    record = decision if isinstance(decision, Recorded) else Recorded.of(decision)
    day = as_of or record.as_of
    base = ReplayResult.begun(record, version, day)
    try:
        outcome = goal_values(version, record.answers, day, engine, record.locale)
    except EligibilityError as error:
        return replace(base, error=f"{type(error).__name__}: {error}")
    recorded = {g: goal_value(v) for g, v in record.goals.items()}
    goals = [*recorded, *(g for g in outcome.goals if g not in recorded)]
    values = {g: (recorded.get(g), outcome.goals.get(g)) for g in goals}
    base = replace(base, values=values)
    if any(old != new for old, new in values.values()):
        before = to_plain({"goals": record.goals, "reasons": record.reasons, "trace": record.trace})
        found = changes_since(before, version, outcome, record.locale)
        moved = tuple(
            Difference(f"goals.{g}.value", old, new)
            for g, (old, new) in values.items()
            if old != new
        )
        return replace(base, changes=found, differences=moved)
    records = outcome.records()
    if records != record.goals:  # the same values, decided or not otherwise (an edited record)
        edited = differences(dict(record.goals), records, "goals")
        return replace(base, differences=tuple(edited))
    if _reproduced(record.trace_text, version, outcome.env):  # the usual case
        return base
    first = _first_difference(record.trace, _steps(version, outcome.env))
    return replace(base, differences=(first,) if first is not None else ())


def _steps(version: CompiledRuleSet, env: Mapping[Any, Value]) -> list[Step]:
    """The trace as a decision records it (`outcome_of`), each value made plain once."""
    if version.collections:
        return [
            {
                "name": s.name,
                "kind": s.kind,
                "inputs": dict(s.inputs),
                "result": s.result,
                "legal_reference": s.legal_reference,
            }
            for s in trace(version, env)  # inputs and results plain already
        ]
    plain: dict[str, Any] = {}

    def shown(name: str) -> Any:
        if name not in plain:
            plain[name] = trace_value(env[name])
        return plain[name]

    steps = []
    for name in version.order:  # as `evaluation.trace` writes a version without collections
        named = version.named[name]
        inputs = {r: shown(r) for r in named.reads if r in env}
        steps.append(
            {
                "name": name,
                "kind": named.kind,
                "inputs": inputs,
                "result": shown(name),
                "legal_reference": named.legal_reference,
            }
        )
    return steps


def _reproduced(text: str, version: CompiledRuleSet, env: Mapping[Any, Value]) -> bool:
    """Whether the trace of `env`, written as the stored `text` was written, is that text.

    PostgreSQL keeps a record's canonical text (keys sorted: a step begins with its
    inputs), SQLite the JSON type's. Equal texts hold equal values; unequal ones are
    compared by value afterwards.
    """
    writer = "canonical" if text.startswith('[{"inputs":') else "json"
    if not version.collections:
        return template(version, writer, env).write(env) == text
    return WRITERS[writer](_steps(version, env)) == text


def _first_difference(recorded: list[Step], steps: list[Step]) -> Difference | None:
    """The first rule whose step differs (`trace.<name>`), compared by rule as the single replay."""
    before, after = _by_rule(recorded), _by_rule(steps)
    if before == after:  # the same values, written otherwise
        return None
    name = next(n for n in [*after, *before] if before.get(n) != after.get(n))
    return Difference(f"trace.{name}", before.get(name), after.get(name))


def _by_rule(steps: list[Step]) -> dict[str, Step]:
    return {s["name"]: {k: v for k, v in s.items() if k != "name"} for s in steps}
