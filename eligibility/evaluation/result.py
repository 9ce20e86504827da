"""The Evaluation a claim's answers come to: goals, reasons, next questions, trace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from eligibility.instance_results import InstanceResult, all_instances
from eligibility.model import Question
from eligibility.values_io import pointer, to_plain


@dataclass(frozen=True)
class Reason:
    """A rule that decided (or so far shapes) a goal, explained in the claimant's language."""

    rule: str
    value: bool | None
    text: str | None
    legal_reference: str


@dataclass(frozen=True)
class GoalResult:
    """One goal: its value when decided, and the reasons."""

    id: str
    type: str
    value: bool | int | Decimal | str | dt.date | None
    decided: bool
    label: str | None
    reasons: tuple[Reason, ...]
    currency: str | None = None  # an amount's ISO 4217 code, as the goal declares it
    decimal_places: int | None = None  # the scale its value is given with (zeros added)


@dataclass(frozen=True)
class Why:
    """Why a question is asked: the rule it feeds and its legal reference."""

    rule: str
    legal_reference: str | None
    text: str | None


@dataclass(frozen=True)
class NextQuestion:
    """A question that can still change an undecided goal, worded for the claimant."""

    question: Question
    label: str
    help: str | None
    options: tuple[tuple[str, str], ...]
    why: tuple[Why, ...]
    path: str | None = None  # the JSON Pointer of a question of an instance: /children/c1/age

    @property
    def pointer(self) -> str:
        """Where the answer goes in the answers document (JSON Pointer)."""
        return self.path or pointer(self.question.id)

    @property
    def key(self) -> str:
        """The question's id at the root, its pointer in an instance (scenarios' expect_next)."""
        return self.path or self.question.id


@dataclass(frozen=True)
class TraceStep:
    """One named rule or value: inputs read, result, legal reference."""

    name: str
    kind: str
    inputs: Mapping[str, Any]
    result: Any
    legal_reference: str | None


@dataclass(frozen=True)
class Evaluation:
    """The outcome of evaluating answers under one version."""

    ruleset_id: str
    version: str
    content_hash: str
    as_of: dt.date
    locale: str
    answers: Mapping[str, Any]
    goals: Mapping[str, GoalResult]
    next_questions: Sequence[NextQuestion]  # worded when read (see next_questions.py)
    ignored_answers: tuple[str, ...]
    engine: str
    trace: tuple[TraceStep, ...] = field(default=())
    # The instances of each collection with their goals (empty without collections).
    instances: Mapping[str, tuple[InstanceResult, ...]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True exactly when every goal is decided (each instance's too)."""
        return all(g.decided for g in self.goals.values()) and all(
            item.decided for item in all_instances(self.instances)
        )

    @property
    def outcome(self) -> dict[str, Any]:
        """Goal values (None when undecided), JSON-safe."""
        return {k: to_plain(g.value) for k, g in self.goals.items()}
