"""The claim's own date: a rule set may name the answer that dates the claim (`dated_by`).

Then that answer, not the request's `as_of`, picks the version: a claim about November 2019
is judged by the rules of November 2019 whenever it is asked. With `period: month` the claim
is about a calendar month, dated by its first day, so a version that starts within a month
never splits it: the version in force on the first day governs the whole month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from eligibility.model import DatedBy


def claim_date(dated_by: DatedBy, answers: Mapping[str, Any]) -> dt.date | None:
    """The date the answers give the claim (its period's first day); None until given as a date."""
    day = _as_date(answers.get(dated_by.question))
    if day is None:
        return None
    return day.replace(day=1) if dated_by.period == "month" else day


def in_period(dated_by: DatedBy, claim: dt.date, day: dt.date) -> bool:
    """True when `day` lies in the claim's period (the same day, or the same calendar month)."""
    if dated_by.period == "month":
        return (day.year, day.month) == (claim.year, claim.month)
    return day == claim


def _as_date(raw: Any) -> dt.date | None:
    # A malformed answer dates nothing here: evaluation reports it against the question.
    if isinstance(raw, dt.datetime):
        return None
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str) and len(raw) == 10:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            return None
    return None
