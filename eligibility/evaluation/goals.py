"""Computed values → goal results with the reasons that decided them (root and instances)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from eligibility.compiled_parts import CompiledCollection
from eligibility.compiler import CompiledRuleSet
from eligibility.errors import EvaluationError
from eligibility.evaluation.result import GoalResult, Reason
from eligibility.expressions.values import UNKNOWN, Failure, Unknown, Value
from eligibility.instance_results import InstanceResult, instance_results
from eligibility.model import Goal, Rule, localize
from eligibility.money import scaled
from eligibility.reason_cache import reason_plan
from eligibility.relevance import Walk
from eligibility.texts import Texts


def goal_results(compiled: CompiledRuleSet, texts: Texts, found: Walk) -> dict[str, GoalResult]:
    """Each goal of the root with the reasons that decided it (or so far shape it).

    What does not depend on this claim's own values is worked out once per walk and language
    (`_plan`): the walk's signature fixes every rule's and every boolean goal's value.
    """
    plan: tuple[_GoalPlan, ...] | None = found.written.get(texts.locale)
    if plan is None:
        plan = found.written[texts.locale] = _plan(compiled, texts, found)
    env = texts.env
    made: dict[str, Reason] = {}  # a rule shared by several goals is explained once
    results: dict[str, GoalResult] = {}
    for goal, constant, parts, pending, reasons, label, money in plan:
        if constant is not None:
            results[goal.id] = constant
            continue
        value = env[goal.id]
        if type(value) is Failure:
            raise EvaluationError(goal.id, value.reason, {"goal": goal.id})
        if reasons is None:
            reasons = _written(parts, pending, texts, made)
        results[goal.id] = _result(goal, value, label, money, reasons)
    return results


# A goal, its result when constant, its reasons (constants and the ids of rules whose text
# quotes values), where those rules are (and the rules), all its reasons when constant, its
# label, its declared currency and scale.
_GoalPlan = tuple[
    Goal,
    GoalResult | None,
    tuple[Reason | str, ...],
    tuple[tuple[int, Rule], ...],
    tuple[Reason, ...] | None,
    str | None,
    Any,
]


def _plan(compiled: CompiledRuleSet, texts: Texts, found: Walk) -> tuple[_GoalPlan, ...]:
    planned: list[_GoalPlan] = []
    for goal in compiled.ruleset.goals:
        parts = reason_plan(
            compiled,
            found.reasons[goal.id],
            texts.env,
            texts.locale,
            lambda r: _reason(compiled, r, texts),
        )
        pending = tuple(
            (at, compiled.rules_by_id[p]) for at, p in enumerate(parts) if isinstance(p, str)
        )
        reasons = None if pending else tuple(parts)
        label = localize(goal.label, texts.locale, texts.default_locale)
        money = texts.money.get(goal.id)
        value = texts.env[goal.id]
        constant = None
        if reasons is not None and (value is True or value is False):
            constant = _result(goal, value, label, money, reasons)  # type: ignore[arg-type]
        planned.append((goal, constant, parts, pending, reasons, label, money))  # type: ignore[arg-type]
    return tuple(planned)


def _written(
    parts: tuple[Reason | str, ...],
    pending: tuple[tuple[int, Rule], ...],
    texts: Texts,
    made: dict[str, Reason],
) -> tuple[Reason, ...]:
    """The plan's reasons, those quoting this claim's values (`pending`) written when read."""
    found: list[Any] = list(parts)
    env = texts.env
    for at, rule in pending:
        reason = made.get(rule.id)
        if reason is None:
            value = env[rule.id]
            reason = made[rule.id] = Reason.later(
                rule.id,
                value if value is True or value is False else None,
                functools.partial(_text, rule, value, texts),
                rule.legal_reference,
            )
        found[at] = reason
    return tuple(found)


def _result(
    goal: Goal, value: Value, label: str | None, money: Any, reasons: tuple[Reason, ...]
) -> GoalResult:
    places = money.places if money is not None else None
    known = value is not UNKNOWN and value.__class__ is not Failure  # is_known, inline
    return GoalResult.of(
        goal.id,
        goal.type,
        _typed(value, goal.type, places) if known else None,
        known,
        label,
        reasons,
        money.currency if money is not None else None,
        places if goal.type == "decimal" else None,
    )


def goal_result(goal: Goal, value: Value, texts: Texts, reasons: tuple[Reason, ...]) -> GoalResult:
    """One goal's result: its value typed and scaled when decided, its label, its reasons."""
    label = localize(goal.label, texts.locale, texts.default_locale)
    return _result(goal, value, label, texts.money.get(goal.id), reasons)


def _typed(
    value: Value, goal_type: str, places: int | None = None
) -> bool | int | Decimal | str | dt.date:
    cls = value.__class__
    if cls is int and goal_type == "decimal":
        value, cls = Decimal(value), Decimal  # type: ignore[arg-type]
    assert cls is not Unknown and cls is not Failure
    return scaled(value, places) if cls is Decimal else value  # type: ignore[arg-type,return-value]


def _reason(compiled: CompiledRuleSet, rule_id: str, texts: Texts) -> Reason:
    return rule_reason(compiled.rules_by_id[rule_id], texts.env[rule_id], texts)


def rule_reason(rule: Rule, value: Value, texts: Texts) -> Reason:
    """A rule as a reason: its explanation for its value, else its title."""
    return Reason(
        rule.id, value if isinstance(value, bool) else None, _text(rule, value, texts),
        rule.legal_reference,
    )  # fmt: skip


def _text(rule: Rule, value: Value, texts: Texts) -> str | None:
    text = rule.explanation_true if value is True else rule.explanation_false
    rendered = texts.render(text)
    if rendered is None:
        rendered = localize(rule.title, texts.locale, texts.default_locale)
    return rendered


def instance_goals(
    compiled: CompiledRuleSet,
    texts: Texts,
    env: Mapping[Any, Value],
    reached: Mapping[tuple[str, str], frozenset[str]] | None = None,
) -> dict[str, tuple[InstanceResult, ...]]:
    """Each instance's goals; reasons are the instance's rules that decided each goal
    (rendered when an instance's goals or label are first read, see InstanceResult)."""

    def texts_in(inner: Mapping[Any, Any], scope: CompiledCollection) -> Texts:
        return texts.within(inner, scope.parents)

    def goal(g: Goal, inner: dict[Any, Any], scope: CompiledCollection, at: str) -> GoalResult:
        local = texts_in(inner, scope)  # a failed goal was refused by instance_results
        decided = (reached or {}).get((at, g.id), frozenset())
        reasons = tuple(
            rule_reason(scope.rules_by_id[r], inner[r], local)
            for r in scope.order
            if r in decided and isinstance(inner[r], bool)
        )
        return goal_result(g, inner[g.id], local, reasons)

    def label(scope: CompiledCollection, inner: dict[Any, Any]) -> str | None:
        return texts_in(inner, scope).render(scope.collection.item_label)

    return instance_results(compiled.collections, env, goal, label)
