"""Goal values alone, for batches: what `evaluate` decides, without reasons, questions or texts.

A batch row needs each goal's value as a decision records it (three-valued: None
while undecided; instance goals by JSON Pointer). Next questions, reason texts and
the trace are most of an evaluation's cost and a batch reads none of them, so they
are left out; for the rows whose goals differ, `outcome_changes` works out the reasons and
the trace from the values already computed (no second evaluation) to name the rules.
tests/properties/test_batch_outcomes.py holds both to `evaluate`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from eligibility.answers import Answers
from eligibility.compiled_parts import CompiledCollection
from eligibility.compiler import CompiledRuleSet
from eligibility.errors import EvaluationError
from eligibility.evaluation import EngineName, computed
from eligibility.expressions.aggregates import collection_key
from eligibility.expressions.values import Failure, Value, is_known
from eligibility.model import Goal
from eligibility.money import Money, scaled
from eligibility.values_io import to_plain


@dataclass(frozen=True)
class Outcome:
    """One row under one version: every goal's plain value (None: undecided), and the values."""

    goals: dict[str, Any]
    answers: Answers
    env: dict[Any, Value]
    money: Mapping[str, Money]

    def records(self) -> dict[str, dict[str, Any]]:
        """Each goal as `outcome_of` records it: value, decided, and its currency if any."""
        found = {}
        for key, value in self.goals.items():
            declared = self.money.get(key.rsplit("/", 1)[-1])  # an instance goal by its id
            found[key] = {"value": value, "decided": value is not None}
            if declared is not None and declared.currency is not None:
                found[key]["currency"] = declared.currency
        return found


def goal_values(
    compiled: CompiledRuleSet,
    answers: Mapping[str, Any] | Answers,
    as_of: dt.date | None,
    engine: EngineName = "durable",
    locale: str | None = None,
) -> Outcome:
    """The goals `evaluate` would give, as `outcome_of` records them; its errors too.

    `as_of` None: as of the version's first day, as `evaluate` takes it.

    `answers` may be an `Outcome.answers` of a version with the same questions (parsed once);
    `locale` is the language of the errors' messages (a check's).
    """
    parsed, env, texts, _ = computed(compiled, answers, as_of=as_of, locale=locale, engine=engine)
    goals = {g.id: recorded_value(g, env[g.id], texts.money, g.id) for g in compiled.ruleset.goals}
    if compiled.collections:
        _instance_values(compiled.collections, env, texts.money, "", goals)
    return Outcome(goals, parsed, env, texts.money)


def recorded_value(goal: Goal, value: Value, money: Mapping[str, Money], at: str) -> Any:
    """A goal's value as recorded: typed, at its scale, plain; None while unknown."""
    if isinstance(value, Failure):
        raise EvaluationError(goal.id, value.reason, {"goal": at})
    if not is_known(value):
        return None
    if goal.type == "decimal" and isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if isinstance(value, Decimal):
        declared = money.get(goal.id)
        value = scaled(value, declared.places if declared is not None else None)
    return to_plain(value)


def _instance_values(
    collections: Mapping[str, CompiledCollection],
    env: Mapping[Any, Any],
    money: Mapping[str, Money],
    at: str,
    goals: dict[str, Any],
) -> None:
    """Each instance's goals by pointer, nested instances after their parent (as recorded)."""
    for cid, scope in collections.items():
        for iid, inner in env[collection_key(cid)]:
            where = f"{at}/{cid}/{iid}"  # ids need no escaping (as in instance_results)
            for goal in scope.collection.goals:
                at_goal = f"{where}/{goal.id}"
                goals[at_goal] = recorded_value(goal, inner[goal.id], money, at_goal)
            _instance_values(scope.collections, inner, money, where, goals)
