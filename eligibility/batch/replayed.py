"""A recorded decision replayed for a job: goal values first, the rules behind a change after.

A job asks of each decision whether its outcome changed, and if so how and which rules
made the difference. Its goal values (`outcomes.goal_values`, no next questions or reason
texts) answer the first; the changes are worked out only where a goal differs, from the
values already computed. Where every goal is recorded the same, every value of the
trace is compared with the recorded one: `identical` when all are reproduced, else `unchanged`
(same outcomes, other values). A single replay (`decisions.replay`) also compares the
reasons' wording and the ignored answers, and lists goals whose reasons alone changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from eligibility.batch.outcomes import Outcome, changes_since, goal_values
from eligibility.compiler import CompiledRuleSet
from eligibility.decisions import Decision, Difference, ReplayResult, differences, goal_value
from eligibility.errors import EligibilityError
from eligibility.evaluation import EngineName, trace
from eligibility.values_io import to_plain


def replayed(
    decision: Decision,
    version: CompiledRuleSet,
    as_of: dt.date | None = None,
    engine: EngineName = "durable",
) -> ReplayResult:
    """`decision` re-evaluated under `version`: same outcome (identical or not), or changes."""
    day = as_of or decision.as_of
    base = ReplayResult.begun(decision, version, day)
    try:
        outcome = goal_values(version, decision.answers, day, engine, decision.locale)
    except EligibilityError as error:
        return replace(base, error=f"{type(error).__name__}: {error}")
    recorded = {g: goal_value(v) for g, v in decision.goals.items()}
    goals = [*recorded, *(g for g in outcome.goals if g not in recorded)]
    values = {g: (recorded.get(g), outcome.goals.get(g)) for g in goals}
    base = replace(base, values=values)
    if any(old != new for old, new in values.values()):
        before = to_plain(
            {"goals": decision.goals, "reasons": decision.reasons, "trace": list(decision.trace)}
        )
        found = changes_since(before, version, outcome, decision.locale)
        moved = tuple(
            Difference(f"goals.{g}.value", old, new)
            for g, (old, new) in values.items()
            if old != new
        )
        return replace(base, changes=found, differences=moved)
    records = outcome.records()
    if records != decision.goals:  # the same values, decided or not otherwise (an edited record)
        edited = differences(dict(decision.goals), records, "goals")
        return replace(base, differences=tuple(edited))
    return replace(base, differences=tuple(_trace_differences(decision, version, outcome)))


def _trace_differences(
    decision: Decision, version: CompiledRuleSet, outcome: Outcome
) -> list[Difference]:
    """Where the recorded trace differs from the one computed now (`trace.<name>.<part>`)."""
    before = {s["name"]: {k: v for k, v in s.items() if k != "name"} for s in decision.trace}
    after = {
        step.name: {
            "kind": step.kind,
            "inputs": dict(step.inputs),
            "result": step.result,
            "legal_reference": step.legal_reference,
        }
        for step in trace(version, outcome.env)  # inputs and results plain already
    }
    if before == after:  # the usual case
        return []
    return differences(before, after, "trace")
