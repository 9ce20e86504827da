"""The type checker: the type of every construct, and each error with its position and hint."""

from __future__ import annotations

import pytest

from eligibility.errors import ExpressionError
from eligibility.expressions.parser import parse
from eligibility.expressions.typecheck import MAX_NODES, Scope, suggest, type_of, typecheck
from eligibility.expressions.types import TableType, compatible, describe, unify_numeric

TYPES = {
    "age": "integer",
    "income": "decimal",
    "name": "string",
    "state": "string",
    "resident": "boolean",
    "born": "date",
    "as_of": "date",
    "fee": TableType("integer", "decimal"),
    "allowance": TableType("string", TableType("string", "decimal")),
}
SCOPE = Scope(
    {**TYPES, "utility": "string"},
    {"state": ("IL", "VT"), "utility": ("HEATING_AND_COOLING", "LIMITED", "NONE")},
)


def check(text: str) -> object:
    return typecheck(parse(text), SCOPE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", "integer"),
        ("1.5", "decimal"),
        ('"x"', "string"),
        ("true", "boolean"),
        ('date("2020-01-01")', "date"),
        ("age + 1", "integer"),
        ("age + income", "decimal"),
        ("age * 2", "integer"),
        ("age / 2", "decimal"),  # division always gives an amount
        ("-age", "integer"),
        ("-income", "decimal"),
        ("age >= 18", "boolean"),
        ("income < age", "boolean"),  # integers and decimals compare
        ("born < as_of", "boolean"),
        ('name = "x"', "boolean"),
        ('state in ["IL", "VT"]', "boolean"),
        ("age not in [1, 2.5]", "boolean"),
        ("not resident", "boolean"),
        ("resident and age > 1 or false", "boolean"),
        ("if resident then age else income", "decimal"),
        ("if resident then 1 else 2", "integer"),
        ('if resident then "a" else name', "string"),
        ("if resident then born else as_of", "date"),
        ("round(income)", "integer"),
        ("round(income, 2)", "decimal"),
        ("round(age, 2)", "integer"),
        ("round_half_up(income, 1)", "decimal"),
        ("floor(income)", "integer"),
        ("ceil(income, 2)", "decimal"),
        ("min(age, 3)", "integer"),
        ("max(age, income, 1)", "decimal"),
        ("min(born, as_of)", "date"),
        ("abs(income)", "decimal"),
        ("year(born) + month(born) + day(born)", "integer"),
        ("start_of_month(born)", "date"),
        ("months_between(born, as_of)", "integer"),
        ("days_between(born, as_of)", "integer"),
        ("fee[age]", "decimal"),
        ('allowance["IL"][name]', "decimal"),
    ],
)
def test_types_of_constructs(text: str, expected: str) -> None:
    assert check(text) == expected


@pytest.mark.parametrize(
    ("text", "message", "column", "hint"),
    [
        ("agee > 3", "unknown name 'agee'", 1, "age"),
        ("resident and stat = 'IL'", "unknown name 'stat'", 14, "state"),
        ("zzz", "unknown name 'zzz'", 1, None),
        ("rnd(age)", "unknown function 'rnd'", 1, "round"),
        ("age > name", "cannot compare a whole number with a text", 1, None),
        ("name < 'x'", "'<' compares numbers or dates, not a text", 1, None),
        ("resident + 1", "'+' needs numbers on both sides, got yes/no (boolean)", 1, None),
        ("1 + born", "'+' needs numbers on both sides, got a date", 1, None),
        ("-name", "'-' needs a number, got a text", 1, None),
        ("not age", "the operand of 'not' must be yes/no (boolean), got a whole number", 5, None),
        ("age and resident", "each side of 'and' must be yes/no (boolean)", 1, None),
        ("resident or 1.5", "each side of 'or' must be yes/no (boolean)", 13, None),
        ("if age then 1 else 2", "the condition after 'if' must be yes/no (boolean)", 4, None),
        (
            "if resident then 1 else 'x'",
            "'then' gives a whole number but 'else' gives a text",
            1,
            None,
        ),
        ("round(age, 2, 3)", "round() cannot take 3 argument(s)", 1, None),
        ("min(age)", "min() cannot take 1 argument(s)", 1, None),
        ("round(name)", "round() needs a number, got a text", 1, None),
        ("round(income, age)", "places must be a whole number from 0 to 10 written out", 1, None),
        ("round(income, 11)", "places must be a whole number from 0 to 10", 1, None),
        ("min(born, age)", "min() needs numbers, got a date", 1, None),
        ("abs(resident)", "abs() needs numbers, got yes/no (boolean)", 1, None),
        ("year(age)", "year() needs 1 date(s), got a whole number", 1, None),
        ("fee['x']", "rows of fee are looked up by a whole number, got a text", 5, None),
        ("age[1]", "age is not a table; only tables have rows", 1, None),
        ("fee", "fee is a table; look up a row with fee[key]", 1, None),
        ("fee + 1", "fee is a table; look up a row with fee[key]", 1, None),
        (
            "allowance['IL']",
            "allowance[…] is a table; look up a row with allowance[…][key]",
            1,
            None,
        ),
        ("state = 'IX'", "'IX' is not an option of state", 9, None),
        ("'LIMITTED' = utility", "'LIMITTED' is not an option of utility", 1, "LIMITED"),
        ("utility != 'NON'", "'NON' is not an option of utility", 12, "NONE"),
        ("state in ['IL', 'XX']", "'XX' is not an option of state", 17, None),
        ("age in [1, 'x']", "cannot compare a whole number with a text", 12, None),
    ],
)
def test_type_errors_with_position_and_hint(
    text: str, message: str, column: int, hint: str | None
) -> None:
    with pytest.raises(ExpressionError) as caught:
        check(text)
    assert message in caught.value.message
    assert (caught.value.line, caught.value.column) == (1, column)
    assert caught.value.suggestion == hint


def test_error_on_a_later_line_keeps_its_line() -> None:
    with pytest.raises(ExpressionError) as caught:
        check("resident\n  and agee > 1")
    assert (caught.value.line, caught.value.column) == (2, 7)


def test_limit_on_expression_size() -> None:
    within = "max(" + ", ".join(["age"] * (MAX_NODES - 1)) + ")"
    assert check(within) == "integer"
    too_big = "max(" + ", ".join(["age"] * MAX_NODES) + ")"
    with pytest.raises(ExpressionError, match=f"more than {MAX_NODES} parts; split it up"):
        check(too_big)


def test_a_long_flat_sum_is_not_deep() -> None:
    assert check(" + ".join(["age"] * 60)) == "integer"


def test_helpers() -> None:
    assert suggest("agee", ["age", "state"]) == "age"
    assert suggest("xyz", ["age", "state"]) is None
    assert type_of(True) == "boolean" and type_of(1) == "integer"
    assert compatible("integer", "decimal") and not compatible("integer", "string")
    assert unify_numeric("integer", "integer") == "integer"
    assert describe(TableType("integer", "decimal")) == "table of decimal by integer"
    assert describe("weird") == "weird"
