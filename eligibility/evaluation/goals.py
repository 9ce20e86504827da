"""Computed values → goal results with the reasons that decided them (root and instances)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from eligibility.compiled_parts import CompiledCollection
from eligibility.compiler import CompiledRuleSet
from eligibility.errors import EvaluationError
from eligibility.evaluation.result import GoalResult, Reason
from eligibility.expressions.values import Failure, Unknown, Value, is_known
from eligibility.instance_results import InstanceResult, instance_results
from eligibility.model import Goal, Rule, localize
from eligibility.money import scaled
from eligibility.reason_cache import reasons_in_order
from eligibility.relevance import Walk
from eligibility.texts import Texts


def goal_results(compiled: CompiledRuleSet, texts: Texts, found: Walk) -> dict[str, GoalResult]:
    """Each goal of the root with the reasons that decided it (or so far shape it)."""
    results: dict[str, GoalResult] = {}
    reasons: dict[str, Reason] = {}  # a rule shared by several goals is explained once
    for goal in compiled.ruleset.goals:
        value = texts.env[goal.id]
        if isinstance(value, Failure):
            raise EvaluationError(goal.id, value.reason, {"goal": goal.id})
        results[goal.id] = goal_result(
            goal,
            value,
            texts,
            reasons_in_order(  # those that quote nothing are constants of the version
                compiled,
                found.reasons[goal.id],
                texts.env,
                texts.locale,
                reasons,
                lambda r: _reason(compiled, r, texts),
            ),
        )
    return results


def goal_result(goal: Goal, value: Value, texts: Texts, reasons: tuple[Reason, ...]) -> GoalResult:
    """One goal's result: its value typed and scaled when decided, its label, its reasons."""
    money = texts.money.get(goal.id)
    places = money.places if money is not None else None
    return GoalResult(
        id=goal.id,
        type=goal.type,
        value=_typed(value, goal.type, places) if is_known(value) else None,
        decided=is_known(value),
        label=localize(goal.label, texts.locale, texts.default_locale),
        reasons=reasons,
        currency=money.currency if money is not None else None,
        decimal_places=places if goal.type == "decimal" else None,
    )


def _typed(
    value: Value, goal_type: str, places: int | None = None
) -> bool | int | Decimal | str | dt.date:
    if goal_type == "decimal" and isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    assert not isinstance(value, Unknown | Failure)
    return scaled(value, places) if isinstance(value, Decimal) else value


def _reason(compiled: CompiledRuleSet, rule_id: str, texts: Texts) -> Reason:
    return rule_reason(compiled.rules_by_id[rule_id], texts.env[rule_id], texts)


def rule_reason(rule: Rule, value: Value, texts: Texts) -> Reason:
    """A rule as a reason: its explanation for its value, else its title."""
    text = rule.explanation_true if value is True else rule.explanation_false
    rendered = texts.render(text)
    if rendered is None:
        rendered = localize(rule.title, texts.locale, texts.default_locale)
    return Reason(
        rule.id, value if isinstance(value, bool) else None, rendered, rule.legal_reference
    )


def instance_goals(
    compiled: CompiledRuleSet,
    texts: Texts,
    env: Mapping[Any, Value],
    reached: Mapping[tuple[str, str], set[str]] | None = None,
) -> dict[str, tuple[InstanceResult, ...]]:
    """Each instance's goals; reasons are the instance's rules that decided each goal
    (rendered when an instance's goals or label are first read, see InstanceResult)."""

    def texts_in(inner: Mapping[Any, Any], scope: CompiledCollection) -> Texts:
        return texts.within(inner, scope.parents)

    def goal(g: Goal, inner: dict[Any, Any], scope: CompiledCollection, at: str) -> GoalResult:
        local = texts_in(inner, scope)  # a failed goal was refused by instance_results
        decided = (reached or {}).get((at, g.id), set())
        reasons = tuple(
            rule_reason(scope.rules_by_id[r], inner[r], local)
            for r in scope.order
            if r in decided and isinstance(inner[r], bool)
        )
        return goal_result(g, inner[g.id], local, reasons)

    def label(scope: CompiledCollection, inner: dict[Any, Any]) -> str | None:
        return texts_in(inner, scope).render(scope.collection.item_label)

    return instance_results(compiled.collections, env, goal, label)
