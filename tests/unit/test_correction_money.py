"""A correction's what-if counts money only: amounts, not months or head counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from eligibility import CompiledRuleSet
from eligibility.decisions import ReplayResult
from eligibility.decisions.changes import GoalChange
from eligibility.services.corrections import _corrected, _money_goals
from tests.properties.examples import example


def replayed(*changes: tuple[str, Any, Any]) -> ReplayResult:
    """A replay whose goals changed as given: (goal, recorded, replayed)."""
    goal_changes = tuple(GoalChange(goal, goal, old, new) for goal, old, new in changes)
    when = dt.date(2024, 5, 1)
    return ReplayResult("d1", "kindergeld", "v", "v.1", "h", when, changes=goal_changes)


def test_goals_with_a_currency_are_the_money(fishing: CompiledRuleSet) -> None:
    kindergeld = example("kindergeld/2023-01-01").ruleset
    assert "total" in _money_goals(kindergeld)
    assert "qualifying_children" not in _money_goals(kindergeld)
    # Versions written before currencies: their decimal goals are the amounts.
    assert _money_goals(fishing.ruleset) == {"reduction"}


def test_a_changed_count_is_an_outcome_that_changed_not_money() -> None:
    decision = SimpleNamespace(id="d1", sequence=1, recorded_at=None, version="v")
    money = frozenset({"total"})
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
    money = frozenset({"benefit_amount", "total"})
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
