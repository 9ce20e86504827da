"""A recorded decision replayed for a job: goal values first, the rules behind a change after.

A job asks of each decision whether its outcome changed, and if so how and which rules
made the difference. Its goal values (`outcomes.goal_values`, no next questions or reason
texts) answer the first; the changes are worked out only where a goal differs, from the
values already computed. Where every goal is recorded the same, `traced` says whether the
trace was reproduced (from the stored text, parsed only where it must be): `identical`, else
`unchanged` (same outcomes, other values) with a rule whose step differs (the first, but
where a recorded step's rule is not the version's) as its one difference (a job keeps no
details). A single
replay (`decisions.replay`) also compares the reasons' wording and the ignored answers,
lists goals whose reasons alone changed and every leaf that differs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eligibility.batch.outcome_changes import changes_since
from eligibility.batch.outcomes import goal_values
from eligibility.batch.traced import trace_difference
from eligibility.compiler import CompiledRuleSet
from eligibility.decisions import Decision, Difference, ReplayResult, differences, goal_value
from eligibility.decisions.recorded import Recorded, loads
from eligibility.decisions.replay import answers_under
from eligibility.errors import EligibilityError
from eligibility.evaluation import EngineName


def replayed(
    decision: Decision | Recorded,
    version: CompiledRuleSet,
    as_of: dt.date | None = None,
    engine: EngineName = "durable",
) -> ReplayResult:
    """`decision` re-evaluated under `version`: same outcome (identical or not), or changes."""
    record = decision if isinstance(decision, Recorded) else Recorded.of(decision)
    day = as_of or record.as_of
    try:
        outcome = goal_values(version, answers_under(version, record), day, engine, record.locale)
    except EligibilityError as error:
        return _result(record, version, day, error=f"{type(error).__name__}: {error}")
    recorded = {g: goal_value(v) for g, v in record.goals.items()}
    goals = [*recorded, *(g for g in outcome.goals if g not in recorded)]
    values = {g: (recorded.get(g), outcome.goals.get(g)) for g in goals}
    if any(old != new for old, new in values.values()):
        # Plain already: read from JSON (a decision held in full was written to JSON by `of`).
        # Parsed for this decision only, not kept on the record: a job reads a page of 500
        # records, and what they kept survived Python's young collections, each scanning it.
        # Of the reasons only rule ids and truth values are read, never a number.
        reasons = loads(record.reasons_text, numbers_read=False)
        steps = loads(record.trace_text)
        before = {"goals": record.goals, "reasons": reasons, "trace": steps}
        found = changes_since(before, version, outcome, record.locale)
        moved = tuple(
            Difference(f"goals.{g}.value", old, new)
            for g, (old, new) in values.items()
            if old != new
        )
        return _result(record, version, day, values=values, changes=found, differences=moved)
    records = outcome.records()
    if records != record.goals:  # the same values, decided or not otherwise (an edited record)
        edited = tuple(differences(dict(record.goals), records, "goals"))
        return _result(record, version, day, values=values, differences=edited)
    first = trace_difference(record, version, outcome.env)
    return _result(
        record, version, day, values=values, differences=(first,) if first is not None else ()
    )


def _result(record: Recorded, version: CompiledRuleSet, day: dt.date, **found: Any) -> ReplayResult:
    """`ReplayResult.begun` with what was `found`, made at once (not begun and replaced)."""
    return ReplayResult(
        record.id,
        record.ruleset_id,
        record.version,
        version.ruleset.version,
        version.content_hash,
        day,
        sequence=record.sequence,
        **found,
    )
