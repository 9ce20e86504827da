"""One converter per question for the answers of many instances: the usual answer at once.

A claim with 10,000 employees converts tens of thousands of answers to the same few questions.
`converters` makes, once per question, a function that accepts the usual well-formed answer
(true or false; a whole number in bounds, or written plainly in bounds as a CSV cell has it;
an amount written "1234.50" within its places, digits and bounds; a text within its length;
one of an enum's options; a day in bounds, as a date or written YYYY-MM-DD) directly and
hands anything else to `answers.check_answer`, which converts it the long way or says
exactly what is wrong. So a converter gives the same value, or the same error, as `check_answer`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from eligibility.answers import MAX_DATE, MAX_DIGITS, MAX_INTEGER, MIN_DATE, check_answer
from eligibility.expressions.values import Value
from eligibility.model import Question

__all__ = ["Converter", "converters"]

Converter = Callable[[Any], Value]


def converters(questions: Mapping[str, Question]) -> dict[str, Converter]:
    """A converter for each question (see the module docstring)."""
    return {qid: _converter(question) for qid, question in questions.items()}


def _converter(question: Question) -> Converter:
    made = _MAKERS.get(question.type)
    return made(question) if made is not None else _long_way(question)


def _long_way(question: Question) -> Converter:
    def convert(answer: Any) -> Value:
        return check_answer(question, answer)

    return convert


def _boolean(question: Question) -> Converter:
    def convert(answer: Any) -> Value:
        if answer is True or answer is False:
            return answer
        return check_answer(question, answer)

    return convert


_WHOLE = re.compile(r"-?[0-9]{1,18}")  # a whole number written plainly, well within the limits


def _integer(question: Question) -> Converter:
    low = question.min if question.min is not None else -MAX_INTEGER
    high = question.max if question.max is not None else MAX_INTEGER

    def convert(answer: Any) -> Value:
        if type(answer) is int and low <= answer <= high:  # type: ignore[operator]
            return answer
        if type(answer) is str and _WHOLE.fullmatch(answer):  # "3", as a CSV cell has it
            value = int(answer)
            if low <= value <= high:  # type: ignore[operator]
                return value
        return check_answer(question, answer)

    return convert


def _decimal(question: Question) -> Converter:
    places = question.decimal_places if question.decimal_places is not None else 2
    low, high = question.min, question.max
    if places > MAX_DIGITS - 2:
        return _long_way(question)
    # Digits before the point kept well below the limits (MAX_DIGITS in all, the magnitude).
    whole = MAX_DIGITS - places - 1
    fraction = rf"(\.[0-9]{{1,{places}}})?" if places else ""
    written = re.compile(rf"-?[0-9]{{1,{whole}}}{fraction}")

    def convert(answer: Any) -> Value:
        if type(answer) is str and written.fullmatch(answer):
            value = Decimal(answer)
            if (low is None or value >= low) and (high is None or value <= high):  # type: ignore[operator]
                return value
        return check_answer(question, answer)

    return convert


def _string(question: Question) -> Converter:
    limit = question.max_length or 500

    def convert(answer: Any) -> Value:
        if type(answer) is str and len(answer) <= limit:
            return answer
        return check_answer(question, answer)

    return convert


def _enum(question: Question) -> Converter:
    options = frozenset(question.option_values)

    def convert(answer: Any) -> Value:
        if type(answer) is str and answer in options:
            return answer
        return check_answer(question, answer)

    return convert


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(question: Question) -> Converter:
    low = question.min if question.min is not None else MIN_DATE
    high = question.max if question.max is not None else MAX_DATE

    def convert(answer: Any) -> Value:
        day = answer
        if type(answer) is str and _DAY.fullmatch(answer):
            try:
                day = dt.date.fromisoformat(answer)
            except ValueError:  # no such day: the long way says so
                return check_answer(question, answer)
        if type(day) is dt.date and low <= day <= high:  # type: ignore[operator]
            return day
        return check_answer(question, answer)

    return convert


_MAKERS: dict[str, Callable[[Question], Converter]] = {
    "boolean": _boolean,
    "integer": _integer,
    "decimal": _decimal,
    "string": _string,
    "enum": _enum,
    "date": _date,
}
