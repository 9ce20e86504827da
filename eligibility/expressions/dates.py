"""Calendar arithmetic of the rule language: whole months, month ends, age as the law counts it.

Age follows the German Civil Code, which other statutes (EStG, SGB) use for "has completed the
Nth year of life": the day of birth counts as a whole day (§ 187 Abs. 2 Satz 2 BGB), so a year
of age is completed with the end of the day before the birthday anniversary (§ 188 Abs. 2 BGB).
Someone born on 1 March completes it at the end of the last day of February; someone born on
29 February completes it at the end of 28 February (in leap years too: the day before the 29th).
"""

from __future__ import annotations

import calendar
import datetime as dt

from eligibility.expressions.values import Failure


def end_of_month(day: dt.date) -> dt.date:
    """The last day of the day's month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date | Failure:
    """The same day `months` later (or earlier); the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return Failure("add_months(): the date is out of range")
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def add_days(day: dt.date, days: int) -> dt.date | Failure:
    """The day `days` later (or earlier)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return Failure("add_days(): the date is out of range")


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end`, counted like days: a month is complete on the same
    day of a later month, or on that month's last day when it has no such day.

    2005-06-15 → 2023-06-01 is 215 months; 2020-01-31 → 2020-02-29 is one. From a later date to
    an earlier one the count is negative.
    """
    if end < start:
        return -months_between(end, start)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if months and _month_later(start, months) > end:
        months -= 1
    return months


def _month_later(day: dt.date, months: int) -> dt.date:
    result = add_months(day, months)
    assert isinstance(result, dt.date)  # never out of range between two valid dates
    return result


def age_completed_on(birth: dt.date, years: int) -> dt.date | Failure:
    """The day at whose end someone born on `birth` completes `years` years of age.

    § 187 Abs. 2 Satz 2, § 188 Abs. 2 BGB: the day before the birthday anniversary; for
    someone born on 29 February, 28 February (the anniversary is then counted as 1 March in
    years without a 29 February, and the day before the 29th in leap years).
    """
    year = birth.year + years
    if years < 1 or year > dt.MAXYEAR:
        return Failure("age_completed_on(): the years must be from 1 to the year 9999")
    if birth.month == 2 and birth.day == 29:
        return dt.date(year, 2, 28)
    return dt.date(year, birth.month, birth.day) - dt.timedelta(days=1)


def age(birth: dt.date, on: dt.date) -> int | Failure:
    """The years of age someone born on `birth` has completed by the end of the day `on`."""
    if on < birth:
        return Failure("age(): the day is before the date of birth")
    # Born on 1 January, the year is completed on 31 December: one more than the years differ.
    years = on.year - birth.year + 1
    while years > 0 and _completed(birth, years) > on:
        years -= 1
    return years


def _completed(birth: dt.date, years: int) -> dt.date:
    day = age_completed_on(birth, years)
    return day if isinstance(day, dt.date) else dt.date.max
