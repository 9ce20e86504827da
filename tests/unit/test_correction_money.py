"""A correction's what-if counts money only: amounts, not months or head counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from eligibility import CompiledRuleSet
from eligibility.decisions import ReplayResult
from eligibility.decisions.changes import GoalChange
from eligibility.services.corrections import MoneyGoals, _corrected, _money_goals
from tests.properties.examples import example


def replayed(*changes: tuple[str, Any, Any]) -> ReplayResult:
    """A replay whose goals changed as given: (goal, recorded, replayed)."""
    goal_changes = tuple(GoalChange(goal, goal, old, new) for goal, old, new in changes)
    when = dt.date(2024, 5, 1)
    return ReplayResult("d1", "kindergeld", "v", "v.1", "h", when, changes=goal_changes)


def test_goals_with_a_currency_are_the_money(fishing: CompiledRuleSet) -> None:
    kindergeld = example("kindergeld/2023-01-01").ruleset
    assert _money_goals(kindergeld).covers("total")
    assert not _money_goals(kindergeld).covers("qualifying_children")
    # Versions written before currencies: their decimal goals are the amounts.
    assert _money_goals(fishing.ruleset) == MoneyGoals(frozenset({"reduction"}))


def test_a_changed_count_is_an_outcome_that_changed_not_money() -> None:
    decision = SimpleNamespace(id="d1", sequence=1, recorded_at=None, version="v")
    money = MoneyGoals(frozenset({"total"}))
    counted = _corrected(decision, replayed(("qualifying_children", 2, 3)), money)  # type: ignore[arg-type]
    assert (counted.direction, counted.difference, dict(counted.amounts)) == (
        "outcome_changed",
        Decimal(0),
        {},
    )
    paid = _corrected(
        decision,  # type: ignore[arg-type]
        replayed(("qualifying_children", 2, 3), ("total", "500.00", "750.00")),
        money,
    )
    assert (paid.direction, paid.difference) == ("paid_too_little", Decimal("250.00"))


def test_an_amount_left_undecided_is_an_outcome_that_changed_not_money_paid() -> None:
    decision = SimpleNamespace(id="d1", sequence=1, recorded_at=None, version="v")
    money = MoneyGoals(frozenset({"benefit_amount", "total"}))
    # The correction needs an answer the decision never gave: its amount is undecided, not 0.
    opened = _corrected(decision, replayed(("benefit_amount", "514.02", None)), money)  # type: ignore[arg-type]
    assert (opened.direction, opened.difference) == ("outcome_changed", Decimal(0))
    assert dict(opened.amounts) == {"benefit_amount": (Decimal("514.02"), None)}
    both = _corrected(
        decision,  # type: ignore[arg-type]
        replayed(("benefit_amount", "514.02", None), ("total", "500.00", "450.00")),
        money,
    )
    assert (both.direction, both.difference) == ("outcome_changed", Decimal("-50.00"))


def test_each_euro_of_a_claim_about_several_people_counts_once() -> None:
    decision = SimpleNamespace(id="d1", sequence=1, recorded_at=None, version="v")
    kindergeld = _money_goals(example("kindergeld/2023-01-01").ruleset)
    employer = _money_goals(example("kurzarbeitergeld-abrechnung/2016-01-01").ruleset)
    assert kindergeld.covers("total") and not kindergeld.covers("/children/c1/amount")
    assert employer.covers("claim_total")
    assert not employer.covers("/employees/e1/benefit_amount")
    # A child's amount and the claim's total both rise by 250 €: 250 € paid too little, not 500.
    both = _corrected(
        decision,  # type: ignore[arg-type]
        replayed(("/children/c2/amount", "0.00", "250.00"), ("total", "250.00", "500.00")),
        kindergeld,
    )
    assert (both.direction, both.difference) == ("paid_too_little", Decimal("250.00"))
    # A claim whose amounts are only its instances' counts each instance's.
    per_child = MoneyGoals(frozenset({"amount"}), in_instances=True)
    assert per_child.covers("/children/c1/amount") and not per_child.covers("amount")
