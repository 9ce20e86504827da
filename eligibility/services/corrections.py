"""The what-if of a correction: recorded decisions it would change, and who was paid wrongly.

Decisions recorded under the versions a correction supersedes keep those versions (they
replay identically under them); here each is re-evaluated under the correction, and
those whose outcome changes are listed with the direction of the money: paid too much
(the corrected amounts are lower) or too little (higher).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from eligibility.catalogue import compile_cache
from eligibility.catalogue.lookups import get_version
from eligibility.catalogue.windows import lineage
from eligibility.decisions import Decision, ReplayResult, replay
from eligibility.errors import Conflict
from eligibility.model import Collection, RuleSet, Text
from eligibility.ports import Storage, iterate
from eligibility.records import DecisionFilter, StoredVersion
from eligibility.services.evaluations import Evaluator, stored_evaluator

Direction = Literal["paid_too_much", "paid_too_little", "outcome_changed"]


@dataclass(frozen=True)
class CorrectedDecision:
    """A recorded decision whose outcome the correction changes, and how."""

    decision_id: str
    sequence: int
    recorded_at: dt.datetime
    recorded_version: str
    as_of: dt.date
    direction: Direction
    # Amount goals that changed: goal → (recorded, corrected); `difference` is corrected − recorded.
    amounts: Mapping[str, tuple[Decimal | None, Decimal | None]]
    difference: Decimal
    changes: tuple[str, ...]  # "Estimated monthly benefit: 30 → 29", in the decision's language


@dataclass(frozen=True)
class CorrectionImpact:
    """A correction tried over the decisions recorded under the versions it supersedes."""

    ruleset_id: str
    version: str
    status: str
    supersedes: tuple[str, ...]  # the version corrected first, then those before it
    reason: Text
    published_at: dt.datetime | None
    total: int = 0
    unchanged: int = 0
    decisions: tuple[CorrectedDecision, ...] = ()
    failed: Mapping[str, str] = field(default_factory=dict)

    def count(self, direction: Direction) -> int:
        """How many decisions change in this direction."""
        return sum(1 for d in self.decisions if d.direction == direction)

    def amount(self, direction: Direction) -> Decimal:
        """How much was paid too much (a positive sum) or too little, over those decisions."""
        return abs(
            sum((d.difference for d in self.decisions if d.direction == direction), Decimal(0))
        )


def correction_impact(
    store: Storage, ruleset_id: str, version: str, evaluator: Evaluator | None = None
) -> CorrectionImpact:
    """Replay every decision recorded under the superseded versions under the correction.

    The correction may still be a draft (try it before publishing); a version that
    supersedes nothing is Conflict. `evaluator` evaluates (by default one over storage).
    """
    correction = get_version(store, ruleset_id, version)
    if correction.supersedes is None:
        raise Conflict(f"{ruleset_id} {version} supersedes no version: it is not a correction")
    versions: dict[str, Any] = {v.version: v for v in store.versions.list(ruleset_id)}
    superseded = tuple(lineage(correction, versions)[1:])
    compiled = compile_cache().stored(correction)
    evaluate_under = (evaluator or stored_evaluator(store)).evaluate_under
    total, unchanged, found, failed = 0, 0, [], {}
    for decision in _recorded_under(store, ruleset_id, superseded):
        total += 1
        result = replay(decision, compiled, evaluator=evaluate_under)
        if result.error is not None:
            failed[decision.id] = result.error
        elif result.goal_changes:
            found.append(_corrected(decision, result, _money_goals(compiled.ruleset)))
        else:
            unchanged += 1
    return CorrectionImpact(
        ruleset_id,
        version,
        correction.status,
        superseded,
        _reason(correction),
        correction.published_at,
        total,
        unchanged,
        tuple(sorted(found, key=lambda d: d.sequence)),
        failed,
    )


def _recorded_under(
    store: Storage, ruleset_id: str, versions: tuple[str, ...]
) -> Iterator[Decision]:
    for version in versions:
        yield from iterate(store.decisions, DecisionFilter(ruleset_id, version=version))


def _reason(correction: StoredVersion) -> Text:
    reason = correction.content.get("correction_reason") or {}
    return dict(reason) if isinstance(reason, Mapping) else {"*": str(reason)}


@dataclass(frozen=True)
class MoneyGoals:
    """The goals whose change is money paid: the claim's own, or else its instances'."""

    ids: frozenset[str]
    in_instances: bool = False

    def covers(self, goal: str) -> bool:
        """True for a recorded goal key (`total`, `/children/c1/amount`) that is money paid."""
        if "/" not in goal:
            return not self.in_instances and goal in self.ids
        return self.in_instances and goal.rsplit("/", 1)[-1] in self.ids


def _money_goals(ruleset: RuleSet) -> MoneyGoals:
    """The amounts paid: the claim's goals with a currency, else its decimal goals.

    A count of months or a rate that changes is an outcome that changed, not money paid
    too much or too little; versions written before goals declared a currency have only
    their decimal type to go by. An instance's amounts (each child's) count only when the
    claim has none of its own: they are what its total adds up, so counting both would
    count each euro twice.
    """
    nested = [g for c in _all_collections(ruleset) for g in c.goals]
    for goals, in_instances in ((ruleset.goals, False), (nested, True)):
        priced = frozenset(g.id for g in goals if g.currency is not None)
        if priced:
            return MoneyGoals(priced, in_instances)
    for goals, in_instances in ((ruleset.goals, False), (nested, True)):
        decimal = frozenset(g.id for g in goals if g.type == "decimal")
        if decimal:
            return MoneyGoals(decimal, in_instances)
    return MoneyGoals(frozenset())


def _all_collections(holder: RuleSet | Collection) -> Iterator[Collection]:
    for collection in holder.collections:
        yield collection
        yield from _all_collections(collection)


def _corrected(
    decision: Decision, result: ReplayResult, money: MoneyGoals
) -> CorrectedDecision:
    amounts = {
        goal: (_amount(old), _amount(new))
        for goal, (old, new) in result.goal_changes.items()
        if money.covers(goal)
        and (_amount(old) is not None or _amount(new) is not None)
    }
    zero = Decimal(0)
    # An amount the correction leaves undecided (it needs an answer the decision never gave) is
    # not an amount of 0: nobody can say yet whether too much or too little was paid.
    undecided = any(new is None for _, new in amounts.values())
    difference = sum(
        ((new - (old or zero)) for old, new in amounts.values() if new is not None), zero
    )
    direction: Direction = (
        "outcome_changed"
        if undecided or difference == 0
        else "paid_too_much"
        if difference < 0
        else "paid_too_little"
    )
    return CorrectedDecision(
        decision.id,
        decision.sequence,
        decision.recorded_at,
        decision.version,
        result.as_of,
        direction,
        amounts,
        difference,
        tuple(c.describe() for c in result.changes if c.outcome_changed),
    )


def _amount(value: Any) -> Decimal | None:
    """A money or count value as Decimal; None for booleans, texts, dates and undecided."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value)) if isinstance(value, int | Decimal | str) else None
    except InvalidOperation:
        return None
