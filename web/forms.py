"""Form input ↔ answers: what a page's controls send becomes the JSON value the API expects.

Only what the controls themselves can get wrong is checked here, in the claimant's language
(nothing chosen, not a number, not a real date, outside the question's `constraints`); the API
checks everything else and its problem+json `errors` are shown the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from web.messages import message
from web.numbers import decimal_places, format_date, format_number, parse_number
from web.questions import UNKNOWN, Question

FIELD = "answer"
DATE_PARTS = ("day", "month", "year")


@dataclass(frozen=True)
class Reading:
    """What a submitted form means: the answer, or the error; and what was typed, to show again."""

    value: Any = None
    error: str | None = None
    typed: Mapping[str, str] = field(default_factory=dict)


def field_names() -> tuple[str, ...]:
    """Every form field a question page may send."""
    return (FIELD, f"{FIELD}-unknown", *(f"{FIELD}-{p}" for p in DATE_PARTS))


def read(question: Question, form: Mapping[str, str], locale: str) -> Reading:
    """The answer a question page's form gives, or the first thing wrong with it."""
    typed = {name: form.get(name, "") for name in field_names() if form.get(name)}
    if question.control != "radios" and question.allow_unknown and typed.get(f"{FIELD}-unknown"):
        return Reading(UNKNOWN, typed=typed)
    reader = {
        "radios": _radios,
        "date": _date,
        "amount": _decimal,
        "number": _decimal,
        "integer": _integer,
    }.get(question.control, _text)
    value, error = reader(question, typed, locale)
    return Reading(value, error, typed)


def typed_for(question: Question, value: Any, locale: str) -> dict[str, str]:
    """The form fields that show an existing answer (to change it)."""
    if value is None:
        return {}
    if value == UNKNOWN:
        return {FIELD: UNKNOWN} if question.control == "radios" else {f"{FIELD}-unknown": "1"}
    if question.control == "date":
        day = dt.date.fromisoformat(str(value))
        return {f"{FIELD}-day": str(day.day), f"{FIELD}-month": str(day.month),
                f"{FIELD}-year": str(day.year)}  # fmt: skip
    if isinstance(value, bool):
        return {FIELD: "true" if value else "false"}
    if question.control in ("amount", "number"):
        return {FIELD: format_number(Decimal(str(value)), locale).replace("\u00a0", "")}
    return {FIELD: str(value)}


Outcome = tuple[Any, str | None]


def _radios(question: Question, typed: Mapping[str, str], locale: str) -> Outcome:
    chosen = typed.get(FIELD)
    if not chosen:
        return None, message("select", locale)
    if chosen == UNKNOWN and question.allow_unknown:
        return UNKNOWN, None
    if question.type == "boolean":
        if chosen not in ("true", "false"):
            return None, message("select", locale)
        return chosen == "true", None
    return chosen, None  # the API names an option that does not exist


def _integer(question: Question, typed: Mapping[str, str], locale: str) -> Outcome:
    text = typed.get(FIELD, "").strip()
    if not text:
        return None, message("enter", locale)
    number = parse_number(text, locale)
    if number is None or decimal_places(number) or number != number.to_integral_value():
        return None, message("whole", locale)
    return _bounded(question, int(number), locale)


def _decimal(question: Question, typed: Mapping[str, str], locale: str) -> Outcome:
    text = typed.get(FIELD, "").strip()
    if not text:
        return None, message("enter", locale)
    number = parse_number(text, locale)
    if number is None:
        return None, message("amount" if question.is_amount else "number", locale)
    places = question.constraints.get("decimal_places")
    if places is not None and decimal_places(number) > int(places):
        return None, message("places", locale, places=places)
    value, error = _bounded(question, number, locale)
    return (str(number) if error is None else None), error


def _bounded(question: Question, number: Decimal | int, locale: str) -> Outcome:
    low, high = question.constraints.get("min"), question.constraints.get("max")
    if low is not None and number < Decimal(str(low)):
        return None, message("at_least", locale, min=format_number(Decimal(str(low)), locale))
    if high is not None and number > Decimal(str(high)):
        return None, message("at_most", locale, max=format_number(Decimal(str(high)), locale))
    return number, None


def _date(question: Question, typed: Mapping[str, str], locale: str) -> Outcome:
    parts = [typed.get(f"{FIELD}-{p}", "").strip() for p in DATE_PARTS]
    if not any(parts):
        return None, message("enter", locale)
    if not all(re.fullmatch(r"\d{1,4}", p) for p in parts) or len(parts[2]) != 4:
        return None, message("date", locale)
    try:
        day = dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None, message("date", locale)
    low, high = question.constraints.get("min"), question.constraints.get("max")
    if low is not None and day < dt.date.fromisoformat(str(low)):
        first = format_date(dt.date.fromisoformat(str(low)), locale)
        return None, message("date_from", locale, min=first)
    if high is not None and day > dt.date.fromisoformat(str(high)):
        last = format_date(dt.date.fromisoformat(str(high)), locale)
        return None, message("date_to", locale, max=last)
    return day.isoformat(), None


def _text(question: Question, typed: Mapping[str, str], locale: str) -> Outcome:
    text = typed.get(FIELD, "").strip()
    if not text:
        return None, message("enter", locale)
    longest = question.constraints.get("max_length")
    if longest is not None and len(text) > int(longest):
        return None, message("too_long", locale, max=longest)
    return text, None
