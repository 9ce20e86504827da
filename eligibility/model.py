"""The authored rule set as frozen dataclasses: what a legal expert wrote, validated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

ValueType = Literal["boolean", "integer", "decimal", "string", "date"]
# "instance" is not written in rule files: it is the type of the prompt to add an instance
# to a collection among the next questions (see entity_relevance.py).
QuestionType = Literal["boolean", "integer", "decimal", "string", "enum", "date", "instance"]
Status = Literal["draft", "published", "retired"]
Scalar = bool | int | Decimal | str | dt.date

VALUE_TYPES: tuple[str, ...] = ("boolean", "integer", "decimal", "string", "date")
QUESTION_TYPES: tuple[str, ...] = (*VALUE_TYPES, "enum")

# Localized text: locale -> text; "*" holds text given without a language.
Text = Mapping[str, str]
# A noun per language, for one and for several: {en: {one: child, other: children}}.
Title = Mapping[str, Mapping[str, str]]


def localize(text: Text | None, locale: str, default_locale: str) -> str | None:
    """Pick the text in `locale`, else the default locale, else any text there is."""
    if not text:
        return None
    for key in (locale, locale.split("-")[0], default_locale, "*"):
        if key in text:
            return text[key]
    return next(iter(text.values()))


@dataclass(frozen=True)
class Location:
    """Where something was written: file, line and column (1-based)."""

    file: str | None
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class Option:
    """One allowed value of an enum question, with its labels."""

    value: str
    label: Text


@dataclass(frozen=True)
class Check:
    """A validation of an answer against earlier answers (an expression that must hold)."""

    condition: str
    message: Text


@dataclass(frozen=True)
class Question:
    """A question put to the claimant, with its type, constraints and texts."""

    id: str
    type: QuestionType
    label: Text
    help: Text = field(default_factory=dict)
    options: tuple[Option, ...] = ()
    allow_unknown: bool = False
    min: int | Decimal | dt.date | None = None
    max: int | Decimal | dt.date | None = None
    decimal_places: int | None = None
    max_length: int | None = None
    section: str | None = None
    ask_after: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()
    currency: str | None = None  # ISO 4217 code of an amount (see eligibility.money)

    @property
    def value_type(self) -> ValueType:
        """The type of the answer inside expressions (an enum is a string)."""
        if self.type == "enum" or self.type == "instance":
            return "string"
        return self.type

    @property
    def option_values(self) -> tuple[str, ...]:
        """The allowed values of an enum question."""
        return tuple(o.value for o in self.options)


@dataclass(frozen=True)
class Table:
    """A parameter table: rows by key, optionally extended by a fixed step per extra key."""

    key_type: Literal["integer", "string"]
    rows: Mapping[int | str, Scalar | Table]
    each_additional: int | Decimal | None = None
    default: Scalar | None = None


@dataclass(frozen=True)
class Parameter:
    """A constant or a table fixed by law or ordinance, with its legal reference."""

    id: str
    type: ValueType
    value: Scalar | None = None
    table: Table | None = None
    legal_reference: str | None = None
    description: Text = field(default_factory=dict)


@dataclass(frozen=True)
class Derived:
    """A named intermediate value computed by an expression."""

    id: str
    expression: str
    type: ValueType | None = None
    description: Text = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    """A named legal condition, with its legal reference and explanations for each outcome."""

    id: str
    condition: str
    legal_reference: str
    title: Text = field(default_factory=dict)
    explanation_true: Text = field(default_factory=dict)
    explanation_false: Text = field(default_factory=dict)
    why: Text = field(default_factory=dict)


@dataclass(frozen=True)
class Goal:
    """An outcome the service reports: `eligible` and named outputs such as an amount."""

    id: str
    type: ValueType
    expression: str
    label: Text = field(default_factory=dict)
    description: Text = field(default_factory=dict)
    legal_reference: str | None = None
    why: Text = field(default_factory=dict)
    currency: str | None = None  # ISO 4217 code of an amount (see eligibility.money)
    decimal_places: int | None = None  # the scale a decimal goal is shown with


@dataclass(frozen=True)
class Scenario:
    """A test case written by legal experts: answers and the goals they must produce."""

    name: str
    answers: Mapping[str, object]
    expect: Mapping[str, object]
    as_of: dt.date | None = None
    expect_next: tuple[str, ...] | None = None
    # The questions a check must refuse (the answers cannot all be true), instead of goals.
    expect_refused: tuple[str, ...] | None = None
    today: dt.date | None = None  # the day the claim is made, for checks that read `today`


@dataclass(frozen=True)
class LegalBasis:
    """A law, ordinance or regulation the version rests on."""

    reference: str
    title: Text = field(default_factory=dict)
    url: str | None = None


@dataclass(frozen=True)
class Section:
    """A group of questions, asked in the order sections are listed."""

    id: str
    title: Text


Completeness = Literal["ask_another", "how_many"]
AskingOrder = Literal["instance_first", "question_first"]
COMPLETENESS: tuple[str, ...] = ("ask_another", "how_many")
ASKING_ORDERS: tuple[str, ...] = ("instance_first", "question_first")


@dataclass(frozen=True)
class Collection:
    """A kind of entity listed under its parent (children, employees), with its own rules.

    Whether the list is complete is itself an answer: `completeness_question` is a question of
    the parent, a yes/no question ("Have you listed all your children?") for `ask_another`, a
    whole number ("How many children do you have?") for `how_many`.
    """

    id: str
    entity: str
    completeness_question: str
    questions: tuple[Question, ...] = ()
    derived: tuple[Derived, ...] = ()
    rules: tuple[Rule, ...] = ()
    goals: tuple[Goal, ...] = ()
    item_label: Text = field(default_factory=dict)
    add_label: Text = field(default_factory=dict)  # the prompt to add an instance
    title: Title = field(default_factory=dict)  # what the instances are called (child, children)
    min: int = 0
    max: int = 1000
    completeness: Completeness = "ask_another"
    order: AskingOrder = "instance_first"
    collections: tuple[Collection, ...] = ()

    def question(self, question_id: str) -> Question | None:
        """The question with this id, if any."""
        return next((q for q in self.questions if q.id == question_id), None)


DatingPeriod = Literal["day", "month"]


@dataclass(frozen=True)
class DatedBy:
    """The answer that dates a claim, so it picks the version (`dated_by:` in a rule file).

    With `period: month` the claim is about a whole calendar month, and the version in force
    on the month's first day governs all of it (a change within the month never splits it).
    """

    question: str
    period: DatingPeriod = "day"


@dataclass(frozen=True)
class RuleSet:
    """One version of a rule set, as authored and validated (extends already applied)."""

    id: str
    version: str
    effective_from: dt.date
    title: Text
    default_locale: str
    questions: tuple[Question, ...]
    parameters: tuple[Parameter, ...]
    derived: tuple[Derived, ...]
    rules: tuple[Rule, ...]
    goals: tuple[Goal, ...]
    effective_to: dt.date | None = None
    status: Status = "published"
    extends: str | None = None
    description: Text = field(default_factory=dict)
    legal_basis: tuple[LegalBasis, ...] = ()
    sections: tuple[Section, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    entity: str | None = None  # the name the root is referred to by (`household.state`)
    collections: tuple[Collection, ...] = ()
    # Selection metadata, outside the content hash like status: it decides which version
    # governs a claim, never what a version computes.
    dated_by: DatedBy | None = None
    # A correction: the published version it supersedes for the same window, and why.
    supersedes: str | None = None
    correction_reason: Text = field(default_factory=dict)
    # Lifecycle, from storage (None for rule files): a correction is in force from then on.
    published_at: dt.datetime | None = field(default=None, compare=False)
    source: str | None = None
    document: Mapping[str, object] = field(default_factory=dict, compare=False, repr=False)
    positions: Mapping[str, Location] = field(default_factory=dict, compare=False, repr=False)

    def covers(self, day: dt.date) -> bool:
        """True when `day` lies in this version's effective window."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    @property
    def question_ids(self) -> tuple[str, ...]:
        """Question ids in the order written."""
        return tuple(q.id for q in self.questions)

    def question(self, question_id: str) -> Question | None:
        """The question with this id, if any."""
        return next((q for q in self.questions if q.id == question_id), None)
