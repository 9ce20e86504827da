"""Calendar functions: whole months, month ends, adding months and days, age as the BGB counts."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eligibility.errors import ExpressionError
from eligibility.expressions import dates
from eligibility.expressions.values import Failure

from .support import run

D = dt.date


def call(text: str, **env: object) -> object:
    types = {k: "date" if isinstance(v, dt.date) else "integer" for k, v in env.items()}
    return run(text, dict(env), types)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2005, 6, 15), D(2023, 6, 1), 215),  # the report of issue 15: 216 boundaries, 215 months
        (D(2005, 6, 15), D(2023, 6, 15), 216),
        (D(2005, 6, 15), D(2023, 6, 14), 215),
        (D(2020, 1, 1), D(2020, 1, 31), 0),
        (D(2020, 1, 1), D(2020, 2, 1), 1),
        (D(2020, 1, 31), D(2020, 2, 28), 0),
        (D(2020, 1, 31), D(2020, 2, 29), 1),  # February has no 31st: its last day completes it
        (D(2021, 1, 31), D(2021, 2, 28), 1),
        (D(2021, 1, 28), D(2021, 2, 28), 1),
        (D(2020, 2, 29), D(2021, 2, 28), 12),
        (D(2020, 2, 29), D(2021, 2, 27), 11),
        (D(2019, 11, 30), D(2020, 3, 1), 3),
        (D(2020, 3, 1), D(2019, 11, 30), -3),
        (D(2020, 3, 1), D(2020, 3, 1), 0),
    ],
)
def test_months_between_counts_whole_months(start: dt.date, end: dt.date, months: int) -> None:
    assert call("months_between(a, b)", a=start, b=end) == months


@pytest.mark.parametrize(
    ("day", "last"),
    [
        (D(2020, 2, 10), D(2020, 2, 29)),
        (D(2021, 2, 1), D(2021, 2, 28)),
        (D(2021, 12, 31), D(2021, 12, 31)),
        (D(2021, 4, 30), D(2021, 4, 30)),
    ],
)
def test_end_of_month(day: dt.date, last: dt.date) -> None:
    assert call("end_of_month(d)", d=day) == last
    assert call("start_of_month(d)", d=day) == day.replace(day=1)


@pytest.mark.parametrize(
    ("day", "months", "result"),
    [
        (D(2020, 1, 31), 1, D(2020, 2, 29)),
        (D(2021, 1, 31), 1, D(2021, 2, 28)),
        (D(2020, 2, 29), 12, D(2021, 2, 28)),
        (D(2020, 2, 29), 48, D(2024, 2, 29)),
        (D(2020, 3, 31), -1, D(2020, 2, 29)),
        (D(2020, 11, 15), 3, D(2021, 2, 15)),
        (D(2020, 1, 15), -13, D(2018, 12, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_one(
    day: dt.date, months: int, result: dt.date
) -> None:
    assert call("add_months(d, n)", d=day, n=months) == result


def test_add_days() -> None:
    assert call("add_days(d, n)", d=D(2020, 2, 28), n=1) == D(2020, 2, 29)
    assert call("add_days(d, n)", d=D(2020, 3, 1), n=-1) == D(2020, 2, 29)
    assert call("add_days(start_of_month(d), -1)", d=D(2021, 3, 17)) == D(2021, 2, 28)


@pytest.mark.parametrize(
    ("birth", "on", "years"),
    [
        # § 188 Abs. 2 BGB: the year is completed with the end of the day before the birthday.
        (D(2000, 6, 15), D(2018, 6, 13), 17),
        (D(2000, 6, 15), D(2018, 6, 14), 18),
        (D(2000, 6, 15), D(2018, 6, 15), 18),
        # Born on 1 March: 18 on the last day of February, whether it is the 28th or the 29th.
        (D(2000, 3, 1), D(2018, 2, 27), 17),
        (D(2000, 3, 1), D(2018, 2, 28), 18),
        (D(2002, 3, 1), D(2020, 2, 28), 17),
        (D(2002, 3, 1), D(2020, 2, 29), 18),
        # Born on 1 January: the year is completed on 31 December of the year before.
        (D(2000, 1, 1), D(2017, 12, 30), 17),
        (D(2000, 1, 1), D(2017, 12, 31), 18),
        # Born on 29 February: the year is completed on 28 February, in leap years too.
        (D(2000, 2, 29), D(2018, 2, 27), 17),
        (D(2000, 2, 29), D(2018, 2, 28), 18),
        (D(2000, 2, 29), D(2016, 2, 27), 15),
        (D(2000, 2, 29), D(2016, 2, 28), 16),
        (D(2000, 2, 29), D(2016, 2, 29), 16),
        # Born on the last day of a month.
        (D(2000, 4, 30), D(2018, 4, 29), 18),
        (D(2000, 4, 30), D(2018, 4, 28), 17),
        (D(2000, 6, 15), D(2000, 6, 15), 0),
    ],
)
def test_age_follows_section_187_and_188_bgb(birth: dt.date, on: dt.date, years: int) -> None:
    assert call("age(b, d)", b=birth, d=on) == years


@pytest.mark.parametrize(
    ("birth", "years", "day"),
    [
        (D(2000, 6, 15), 18, D(2018, 6, 14)),
        (D(2000, 3, 1), 18, D(2018, 2, 28)),
        (D(2002, 3, 1), 18, D(2020, 2, 29)),
        (D(2000, 1, 1), 18, D(2017, 12, 31)),
        (D(2000, 2, 29), 18, D(2018, 2, 28)),
        (D(2000, 2, 29), 16, D(2016, 2, 28)),
        (D(2000, 2, 29), 25, D(2025, 2, 28)),
    ],
)
def test_age_completed_on(birth: dt.date, years: int, day: dt.date) -> None:
    assert call("age_completed_on(b, n)", b=birth, n=years) == day
    assert call("age(b, age_completed_on(b, n))", b=birth, n=years) == years
    assert call("age(b, add_days(age_completed_on(b, n), -1))", b=birth, n=years) == years - 1


def test_a_month_with_at_least_one_day_under_18() -> None:
    """The child-benefit pattern: under 18 at the start of the month = on at least one day."""
    rule = "age_completed_on(b, 18) >= start_of_month(m)"
    # Born on 1 March: 18 at the end of 28 February, so February is the last month.
    assert call(rule, b=D(2000, 3, 1), m=D(2018, 2, 1)) is True
    assert call(rule, b=D(2000, 3, 1), m=D(2018, 3, 1)) is False
    # Born on 2 March: under 18 on 1 March, so March still counts.
    assert call(rule, b=D(2000, 3, 2), m=D(2018, 3, 1)) is True
    assert call(rule, b=D(2000, 3, 2), m=D(2018, 4, 1)) is False


def test_impossible_dates_are_failures_not_crashes() -> None:
    assert isinstance(call("age(b, d)", b=D(2000, 1, 2), d=D(2000, 1, 1)), Failure)
    assert isinstance(call("add_months(d, n)", d=D(9999, 12, 1), n=1), Failure)
    assert isinstance(call("add_days(d, n)", d=D(9999, 12, 31), n=1), Failure)
    assert isinstance(call("add_days(d, n)", d=D(2000, 1, 1), n=10**12), Failure)
    assert isinstance(call("age_completed_on(b, n)", b=D(2000, 1, 1), n=0), Failure)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("add_months(d, d)", "add_months() needs a date and a whole number, got a date"),
        ("age(d, 3)", "age() needs 2 date(s), got a whole number"),
        ("end_of_month(3)", "end_of_month() needs 1 date(s), got a whole number"),
    ],
)
def test_calendar_functions_are_type_checked(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call(text, d=D(2020, 1, 1))


@given(
    birth=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    years=st.integers(1, 120),
)
def test_the_age_changes_exactly_at_the_end_of_the_completion_day(
    birth: dt.date, years: int
) -> None:
    day = dates.age_completed_on(birth, years)
    assert isinstance(day, dt.date)
    assert dates.age(birth, day) == years
    assert dates.age(birth, day - dt.timedelta(days=1)) == years - 1
    # The day before the anniversary (28 February for someone born on 29 February).
    anniversary = day + dt.timedelta(days=1)
    assert (anniversary.month, anniversary.day) in {
        (birth.month, birth.day),
        (3, 1) if (birth.month, birth.day) == (2, 29) else (birth.month, birth.day),
    }


@given(
    start=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    end=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
)
def test_months_between_is_the_most_months_that_fit(start: dt.date, end: dt.date) -> None:
    months = dates.months_between(start, end)
    low, high = (start, end) if start <= end else (end, start)
    count = abs(months)
    assert dates.add_months(low, count) <= high  # type: ignore[operator]
    assert dates.add_months(low, count + 1) > high  # type: ignore[operator]
