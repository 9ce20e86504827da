"""A question's converter (answer_converters.py) gives exactly what `check_answer` gives: the
same value of the same type, or the same error, for well-formed and malformed answers alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.answer_converters import converters
from eligibility.answers import check_answer
from eligibility.model import Option, Question
from eligibility.values_io import ConversionError

NUMBER_TEXTS = st.one_of(
    st.from_regex(r"-?[0-9]{1,20}(\.[0-9]{0,5})?", fullmatch=True),
    st.from_regex(r"-?[1-9][0-9]{12,18}(\.[0-9]{1,5})?", fullmatch=True),  # near the limits
    st.sampled_from(["", " 12.50", "12.50 ", "1e3", "1.2.3", "0.00", "-0", "00012.5", "+5"]),
)
ANSWERS = st.one_of(
    NUMBER_TEXTS,
    st.text(max_size=12),
    st.text(min_size=495, max_size=505, alphabet="ab"),
    st.integers(-(10**14), 10**14),
    st.integers(-(10**40), 10**40),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
    st.sampled_from(["yes", "no", "a", "b", "2024-02-29", None, [], {}]),
    st.sampled_from(["2023-02-29", "2024-13-01", "1899-12-31", "2201-01-01", "20240229"]),
    st.sampled_from(["2024-W09-4", " 2024-02-29", "2024-02-29T00:00", "１２３４-01-01"]),
    st.dates().map(lambda d: d.isoformat()),
    st.dates(),
    st.datetimes(),
)


@st.composite
def questions(draw: st.DrawFn) -> Question:
    kind = draw(st.sampled_from(["boolean", "integer", "decimal", "string", "enum", "date"]))
    bounds: dict[str, Any] = {}
    if kind in ("integer", "decimal") and draw(st.booleans()):
        low = draw(st.integers(-50, 50))
        bounds = {"min": low if kind == "integer" else Decimal(low)}
        if draw(st.booleans()):
            bounds["max"] = bounds["min"] + draw(st.integers(0, 10**6))
    if kind == "date" and draw(st.booleans()):
        bounds = {"min": dt.date(2000, 1, 1), "max": dt.date(2030, 12, 31)}
    return Question(
        id="q",
        type=kind,
        label={"en": "Q?"},
        options=(Option("a", {"en": "A"}), Option("b", {"en": "B"})) if kind == "enum" else (),
        decimal_places=draw(st.sampled_from([None, 0, 1, 2, 4])) if kind == "decimal" else None,
        max_length=draw(st.sampled_from([None, 3, 40])) if kind == "string" else None,
        **bounds,
    )


def outcome(convert: Any, answer: Any) -> tuple[str, Any]:
    try:
        value = convert(answer)
    except ConversionError as error:
        return ("error", str(error))
    return ("value", (type(value), value, str(value)))


@settings(max_examples=3000, derandomize=True, database=None, deadline=None)
@given(question=questions(), answer=ANSWERS)
def test_a_converter_acts_as_check_answer(question: Question, answer: Any) -> None:
    convert = converters({"q": question})["q"]
    assert outcome(convert, answer) == outcome(lambda a: check_answer(question, a), answer)


def test_the_usual_answers_are_converted_directly() -> None:
    amount = Question("pay", "decimal", {"en": "Pay?"}, min=Decimal(0))
    convert = converters({"pay": amount})["pay"]
    assert convert("3000.50") == Decimal("3000.50")
    assert str(convert("1500.00")) == "1500.00"  # the places written are kept, as before
    assert outcome(convert, "1.505") == (
        "error",
        "expected an amount with at most 2 decimal places, got 1.505",
    )
