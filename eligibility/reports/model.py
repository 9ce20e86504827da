"""What a decision report says: goals and amounts, reasons with legal references, the
answers that mattered, the rule version and its hash, the decision's place in the chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eligibility.answers import DONT_KNOW
from eligibility.compiler import CompiledRuleSet
from eligibility.decisions import Decision, goal_value
from eligibility.model import Goal, Question, localize
from eligibility.reports.texts import texts_for
from eligibility.texts import format_value
from eligibility.values_io import ConversionError, to_typed


@dataclass(frozen=True)
class Line:
    """A label and a value as the claimant reads them."""

    label: str
    value: str


@dataclass(frozen=True)
class Reason:
    """Why a goal came out as it did: the rule's explanation and its legal reference."""

    text: str
    legal_reference: str | None


@dataclass(frozen=True)
class GoalLine:
    """One goal: its label, its value (or undecided) and its reasons."""

    label: str
    value: str
    decided: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class DecisionReport:
    """Everything a report shows, already in the claimant's language."""

    locale: str
    words: Mapping[str, str]
    title: str
    decision_id: str
    as_of: str
    recorded_at: str
    ruleset_id: str
    version: str
    content_hash: str
    sequence: int
    hash: str
    prev_hash: str
    goals: tuple[GoalLine, ...]
    answers: tuple[Line, ...]
    legal_basis: tuple[Line, ...]


def build_report(decision: Decision, compiled: CompiledRuleSet) -> DecisionReport:
    """The report of a recorded decision, with the texts of the version it was made under."""
    ruleset = compiled.ruleset
    locale, default = decision.locale, ruleset.default_locale
    words = texts_for(locale)
    return DecisionReport(
        locale=locale,
        words=words,
        title=localize(ruleset.title, locale, default) or ruleset.id,
        decision_id=decision.id,
        as_of=day(decision.as_of, locale),
        recorded_at=decision.recorded_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        ruleset_id=decision.ruleset_id,
        version=decision.version,
        content_hash=decision.content_hash,
        sequence=decision.sequence,
        hash=decision.hash,
        prev_hash=decision.prev_hash,
        goals=tuple(_goals(decision, compiled, words)),
        answers=tuple(_answers(decision, compiled, words)),
        legal_basis=tuple(
            Line(b.reference, localize(b.title, locale, default) or "") for b in ruleset.legal_basis
        ),
    )


def _goals(
    decision: Decision, compiled: CompiledRuleSet, words: Mapping[str, str]
) -> list[GoalLine]:
    ruleset, locale = compiled.ruleset, decision.locale
    declared = {g.id: g for g in ruleset.goals}
    lines = []
    for goal_id, recorded in decision.goals.items():
        goal, instance = declared.get(goal_id), None
        if goal is None and goal_id.startswith("/"):  # an instance's goal: /children/c1/amount
            goal, instance = _instance_goal(compiled, goal_id)
        label = localize(goal.label, locale, ruleset.default_locale) if goal else None
        if label and instance:
            label = f"{instance}: {label}"
        value = goal_value(recorded)
        shown = (
            words["undecided"]
            if value is None
            else _formatted(value, goal.type if goal else None, locale)
        )
        reasons = tuple(
            Reason(r.get("text") or r.get("rule", ""), r.get("legal_reference"))
            for r in decision.reasons.get(goal_id, ())
        )
        lines.append(GoalLine(label or goal_id, shown, value is not None, reasons))
    return lines


def _instance_goal(compiled: CompiledRuleSet, pointer: str) -> tuple[Goal | None, str | None]:
    """The goal a pointer names inside instances, and the instance's id ("c1")."""
    parts = pointer.strip("/").split("/")
    collections, instance, goal = compiled.collections, None, None
    while len(parts) >= 3 and parts[0] in collections:
        scope = collections[parts[0]]
        instance, parts = parts[1], parts[2:]
        collections = scope.collections
        goal = scope.goals_by_id.get(parts[0]) if len(parts) == 1 else None
    return goal, instance


def _answers(decision: Decision, compiled: CompiledRuleSet, words: Mapping[str, str]) -> list[Line]:
    """The answers the decision used (ignored ones are left out), in the authors' order."""
    questions = {q.id: q for q in compiled.ruleset.questions}
    order = {q_id: i for i, q_id in enumerate(questions)}
    used = [k for k in decision.answers if k not in set(decision.ignored_answers)]
    used.sort(key=lambda k: order.get(k, len(order)))
    lines = []
    for question_id in used:
        question = questions.get(question_id)
        label = (
            localize(question.label, decision.locale, compiled.ruleset.default_locale)
            if question
            else None
        )
        value = _answer(decision.answers[question_id], question, decision.locale, words)
        lines.append(Line(label or question_id, value))
    return lines


def _answer(value: Any, question: Question | None, locale: str, words: Mapping[str, str]) -> str:
    if value == DONT_KNOW:
        return words["unknown"]
    if question is None:
        return str(value)
    if question.type == "enum":
        for option in question.options:
            if option.value == value:
                return localize(option.label, locale, locale) or str(value)
        return str(value)
    return _formatted(value, question.type, locale)


_DAY_FORMATS = {"de": "%d.%m.%Y", "fr": "%d/%m/%Y", "es": "%d/%m/%Y"}


def day(value: dt.date, locale: str) -> str:
    """A date as written in the claimant's language (ISO where there is no custom)."""
    return value.strftime(_DAY_FORMATS.get(locale.split("-")[0], "%Y-%m-%d"))


def _formatted(value: Any, type_name: str | None, locale: str) -> str:
    """A plain recorded value typed again and formatted for the claimant's language."""
    if type_name in ("boolean", "integer", "decimal", "date"):
        try:
            typed = to_typed(value, type_name)
        except ConversionError:
            return str(value)
        return day(typed, locale) if isinstance(typed, dt.date) else format_value(typed, locale)
    if isinstance(value, bool):
        return format_value(value, locale)
    return str(value)
