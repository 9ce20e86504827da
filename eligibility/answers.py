"""Answers → typed values: every bad field reported at once, with what was expected."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from eligibility.errors import AnswerError
from eligibility.expressions.typecheck import suggest
from eligibility.expressions.values import UNKNOWN, Value
from eligibility.model import Question
from eligibility.values_io import ConversionError, describe_value, pointer, to_typed

DONT_KNOW = "unknown"  # the answer "I don't know", for questions that allow it
MAX_INTEGER = 10**12
MAX_DIGITS = 18
MIN_DATE, MAX_DATE = dt.date(1900, 1, 1), dt.date(2200, 12, 31)
NONE_UNKNOWN: frozenset[str] = frozenset()  # shared: a claim of 10,000 makes no set per instance
NO_COLLECTIONS: Mapping[str, tuple[Answers, ...]] = {}  # shared by instances, never changed


@dataclass(frozen=True)
class Answers:
    """Validated answers: typed values by question, and the questions answered "I don't know".

    `collections` holds the instances of each collection (an instance's own answers are an
    `Answers` too, with its `id`).
    """

    values: Mapping[str, Value]
    dont_know: frozenset[str]
    collections: Mapping[str, tuple[Answers, ...]] = field(default_factory=dict)
    id: str | None = None

    @classmethod
    def flat(cls, values: Mapping[str, Value], dont_know: frozenset[str]) -> Answers:
        """Answers without collections, made without `__init__` (a setattr per field and a
        new empty mapping): a version's parser makes one per evaluation."""
        made = object.__new__(cls)
        made.__dict__.update(
            values=values, dont_know=dont_know, collections=NO_COLLECTIONS, id=None
        )
        return made

    def plain(self) -> dict[str, Any]:
        """The answers as given, typed: "unknown" for "I don't know"."""
        out: dict[str, Any] = {q: DONT_KNOW for q in self.dont_know}
        out.update({q: v for q, v in self.values.items() if v is not UNKNOWN})
        return out


def parse_answers(questions: Mapping[str, Question], raw: Mapping[str, Any]) -> Answers:
    """Convert and check raw answers; raise AnswerError listing every problem."""
    errors: dict[str, list[str]] = {}
    answers = parse_values(questions, raw, errors)
    if errors:
        raise AnswerError(errors)
    return answers


def parse_values(
    questions: Mapping[str, Question],
    raw: Mapping[str, Any],
    errors: dict[str, list[str]],
    at: tuple[str, ...] = (),
    skip: frozenset[str] = frozenset(),
    convert: Mapping[str, Callable[[Any], Value]] | None = None,
) -> Answers:
    """The answers to one entity's questions; problems are added to `errors` (JSON Pointers
    below `at`), keys in `skip` (its collections and the instance id) are left to the caller.
    `convert` gives a converter per question that acts as `check_answer` (answer_converters)."""
    values: dict[str, Value] = {}
    dont_know: set[str] = set()
    for qid, answer in raw.items():
        if qid in skip:
            continue
        question = questions.get(qid)
        if question is None:
            hint = suggest(str(qid), [*questions, *skip])
            message = "unknown question" + (f"; did you mean '{hint}'?" if hint else "")
            errors[pointer(*at, qid)] = [message]
        elif answer is None:
            continue  # null means "not answered"
        elif answer == DONT_KNOW and question.type != "string":
            if question.allow_unknown:
                dont_know.add(qid)
                values[qid] = UNKNOWN
            else:
                errors[pointer(*at, qid)] = [
                    'this question needs an answer; "I don\'t know" is not accepted'
                ]
        else:
            try:
                if convert is not None:
                    values[qid] = convert[qid](answer)
                else:
                    values[qid] = check_answer(question, answer)
            except ConversionError as error:
                errors[pointer(*at, qid)] = [str(error)]
    return Answers(values, frozenset(dont_know) if dont_know else NONE_UNKNOWN)


def check_answer(question: Question, answer: Any) -> Value:
    """One answer converted to its type and checked against the question's constraints."""
    value = to_typed(answer, question.value_type)
    checker = _CHECKS.get(question.type)
    if checker is not None:
        checker(question, value)
    return value


def _check_enum(question: Question, value: Any) -> None:
    if value not in question.option_values:
        options = ", ".join(question.option_values)
        raise ConversionError(f"expected one of {options}, got {describe_value(value)}")


def _check_integer(question: Question, value: Any) -> None:
    _check_bounds(question, value, "a whole number", -MAX_INTEGER, MAX_INTEGER)


def _check_decimal(question: Question, value: Any) -> None:
    assert isinstance(value, Decimal)
    places = question.decimal_places if question.decimal_places is not None else 2
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ConversionError(
            f"expected an amount with at most {places} decimal places, got {value}"
        )
    if len(value.as_tuple().digits) > MAX_DIGITS or value.adjusted() >= MAX_DIGITS:
        raise ConversionError(f"expected an amount of at most {MAX_DIGITS} digits, got {value}")
    kind = "a non-negative amount" if question.min == 0 else "an amount"
    _check_bounds(question, value, kind, None, None)


def _check_date(question: Question, value: Any) -> None:
    _check_bounds(question, value, "a date", MIN_DATE, MAX_DATE)


def _check_string(question: Question, value: Any) -> None:
    limit = question.max_length or 500
    if len(value) > limit:
        raise ConversionError(f"expected a text of at most {limit} characters, got {len(value)}")


def _check_bounds(question: Question, value: Any, kind: str, low: Any, high: Any) -> None:
    low = question.min if question.min is not None else low
    high = question.max if question.max is not None else high
    if low is not None and value < low:
        raise ConversionError(f"expected {kind} of at least {low}, got {value}")
    if high is not None and value > high:
        raise ConversionError(f"expected {kind} of at most {high}, got {value}")


_CHECKS = {
    "enum": _check_enum,
    "integer": _check_integer,
    "decimal": _check_decimal,
    "date": _check_date,
    "string": _check_string,
}


def document(answers: Answers) -> dict[str, Any]:
    """The answers as one document: root answers and a list of instances per collection."""
    out = answers.plain()
    for cid, items in answers.collections.items():
        out[cid] = [{"id": item.id, **document(item)} for item in items]
    return out
