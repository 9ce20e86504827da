"""Answers and results as a claimant reads them: labels for options, amounts with currency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from web.config import Presentation
from web.messages import message
from web.numbers import format_amount, format_date, format_number, format_share
from web.questions import UNKNOWN, Question


def show_answer(question: Question, value: Any, locale: str) -> str:
    """An answer in words: "Yes", "Illinois", "$1,200", "1 April 2020"."""
    if value == UNKNOWN:
        return message("unknown", locale)
    if question.control == "radios":
        if isinstance(value, bool):
            value = "true" if value else "false"
        labels = {o.value: o.label for o in question.choices(locale)}
        return labels.get(str(value), str(value))
    if question.control == "date":
        return format_date(dt.date.fromisoformat(str(value)), locale)
    if question.control == "amount":
        return format_amount(Decimal(str(value)), question.currency, locale)
    if question.control in ("number", "integer"):
        return format_number(Decimal(str(value)), locale)
    return str(value)


def show_goal(
    goal_id: str, goal: Mapping[str, Any], presentation: Presentation, locale: str
) -> str:
    """A goal's value in words; an undecided goal says so."""
    value = goal.get("value")
    if not goal.get("decided") or value is None:
        return message("undecided", locale)
    if isinstance(value, bool):
        return message("yes" if value else "no", locale)
    if goal.get("type") == "decimal":
        if goal_id in presentation.shares:
            return format_share(Decimal(str(value)), locale)
        currency = goal.get("currency") or presentation.currency
        return format_amount(Decimal(str(value)), currency, locale)
    if goal.get("type") == "integer":
        return format_number(int(value), locale)
    if goal.get("type") == "date":
        return format_date(dt.date.fromisoformat(str(value)), locale)
    return str(value)
