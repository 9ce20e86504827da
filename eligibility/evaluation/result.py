"""The Evaluation a claim's answers come to: goals, reasons, next questions, trace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import FrozenInstanceError, dataclass, field
from decimal import Decimal
from typing import Any

from eligibility.instance_results import InstanceResult, all_instances
from eligibility.model import Question
from eligibility.values_io import pointer, to_plain

# An evaluation makes a few frozen objects per call; a frozen dataclass's `__init__` costs a
# call of object.__setattr__ per field, so the hot path builds them through `__dict__`
# (`GoalResult.of`, `Evaluation.of`: the same objects, equal to those of `__init__`).
_new = object.__new__
_set = object.__setattr__


class Reason:
    """A rule that decided (or so far shapes) a goal, explained in the claimant's language.

    Frozen, compared and hashed by its four values like a dataclass. A text that quotes
    values may be written when first read (`Reason.later`): many evaluations never read it.
    """

    __slots__ = ("rule", "value", "legal_reference", "_text", "_write")
    __match_args__ = ("rule", "value", "text", "legal_reference")
    rule: str
    value: bool | None
    legal_reference: str
    _text: str | None
    _write: Callable[[], str | None] | None

    def __init__(
        self, rule: str, value: bool | None, text: str | None, legal_reference: str
    ) -> None:
        _set(self, "rule", rule)
        _set(self, "value", value)
        _set(self, "legal_reference", legal_reference)
        _set(self, "_text", text)
        _set(self, "_write", None)

    @classmethod
    def later(
        cls, rule: str, value: bool | None, write: Callable[[], str | None], legal_reference: str
    ) -> Reason:
        """A reason whose text `write()` gives when it is first read."""
        made = _new(cls)
        _set(made, "rule", rule)
        _set(made, "value", value)
        _set(made, "legal_reference", legal_reference)
        _set(made, "_text", None)
        _set(made, "_write", write)
        return made

    @property
    def text(self) -> str | None:
        """The explanation, in the evaluation's language."""
        write = self._write
        if write is not None:
            object.__setattr__(self, "_text", write())
            object.__setattr__(self, "_write", None)
        return self._text

    def _values(self) -> tuple[Any, ...]:
        return (self.rule, self.value, self.text, self.legal_reference)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Reason)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return "Reason(rule={!r}, value={!r}, text={!r}, legal_reference={!r})".format(
            *self._values()
        )

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field '{name}'")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field '{name}'")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Reason, self._values())

    def at(self, rule: str) -> Reason:
        """The same reason under another name (an instance's rule by its pointer)."""
        return Reason(rule, self.value, self.text, self.legal_reference)


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

    @classmethod
    def of(
        cls,
        id: str,
        type: str,
        value: bool | int | Decimal | str | dt.date | None,
        decided: bool,
        label: str | None,
        reasons: tuple[Reason, ...],
        currency: str | None,
        decimal_places: int | None,
    ) -> GoalResult:
        """The result made without `__init__` (see `_new`): every field given."""
        made = _new(cls)
        made.__dict__.update(
            id=id, type=type, value=value, decided=decided, label=label, reasons=reasons,
            currency=currency, decimal_places=decimal_places,
        )  # fmt: skip
        return made


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

    @classmethod
    def of(
        cls,
        ruleset_id: str,
        version: str,
        content_hash: str,
        as_of: dt.date,
        locale: str,
        answers: Mapping[str, Any],
        goals: Mapping[str, GoalResult],
        next_questions: Sequence[NextQuestion],
        ignored_answers: tuple[str, ...],
        engine: str,
        trace: tuple[TraceStep, ...],
        instances: Mapping[str, tuple[InstanceResult, ...]],
    ) -> Evaluation:
        """The evaluation made without `__init__` (see `_new`): every field given."""
        made = _new(cls)
        made.__dict__.update(
            ruleset_id=ruleset_id, version=version, content_hash=content_hash, as_of=as_of,
            locale=locale, answers=answers, goals=goals, next_questions=next_questions,
            ignored_answers=ignored_answers, engine=engine, trace=trace, instances=instances,
        )  # fmt: skip
        return made

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
