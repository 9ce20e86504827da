"""The interpreter: Kleene three-valued logic, exact decimals, functions, tables and failures."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from eligibility.expressions.operators import (
    arithmetic,
    choose,
    conjunction,
    disjunction,
    lookup,
    strict,
)
from eligibility.expressions.values import UNKNOWN, Failure, Unknown, is_known, same_value
from eligibility.model import Table

from .support import run

U = UNKNOWN
TRUTH = (True, False, U)
BOOLS = {"p": "boolean", "q": "boolean", "r": "boolean"}


def kleene_and(a: object, b: object) -> object:
    if a is False or b is False:
        return False
    return True if a is True and b is True else U


def kleene_or(a: object, b: object) -> object:
    if a is True or b is True:
        return True
    return False if a is False and b is False else U


@pytest.mark.parametrize(("p", "q"), list(itertools.product(TRUTH, TRUTH)))
def test_and_or_not_follow_kleene_truth_tables(p: object, q: object) -> None:
    env = {"p": p, "q": q}
    assert run("p and q", env, BOOLS) is kleene_and(p, q)
    assert run("p or q", env, BOOLS) is kleene_or(p, q)
    assert run("not p", env, BOOLS) is (U if p is U else not p)
    assert run("not (p and q)", env, BOOLS) is run("not p or not q", env, BOOLS)


@pytest.mark.parametrize(("p", "q", "r"), list(itertools.product(TRUTH, TRUTH, TRUTH)))
def test_multi_operand_junctions(p: object, q: object, r: object) -> None:
    env = {"p": p, "q": q, "r": r}
    assert run("p and q and r", env, BOOLS) is kleene_and(kleene_and(p, q), r)
    assert run("p or q or r", env, BOOLS) is kleene_or(kleene_or(p, q), r)


def test_false_and_anything_is_false_true_or_anything_is_true() -> None:
    types = {"x": "integer", "p": "boolean"}
    assert run("false and x > 1", {"x": U}, types) is False
    assert run("x > 1 and false", {"x": U}, types) is False
    assert run("true or x > 1", {"x": U}, types) is True
    assert run("p or x > 1", {"x": U, "p": True}, types) is True


def test_strict_operations_with_unknown_operands_are_unknown() -> None:
    types = {"x": "integer", "d": "date", "s": "string"}
    env = {"x": U, "d": U, "s": U}
    for text in (
        "x + 1",
        "1 - x",
        "x * 0",  # no short cut: unknown times zero stays unknown
        "x / 2",
        "-x",
        "x > 1",
        "x = x",
        "x in [1, 2]",
        "max(x, 1)",
        "round(x)",
        "year(d)",
        "months_between(d, d)",
        "age(d, d)",
        "add_months(d, x)",
        's = "a"',
    ):
        assert run(text, env, types) is U, text


def test_in_is_a_disjunction_of_equalities() -> None:
    types = {"x": "integer", "y": "integer"}
    assert run("x in [1, y]", {"x": 1, "y": U}, types) is True
    assert run("x in [2, y]", {"x": 1, "y": U}, types) is U
    assert run("x in [2, y]", {"x": 1, "y": 3}, types) is False
    assert run("x not in [2, y]", {"x": 1, "y": 3}, types) is True
    assert run("x not in [1, y]", {"x": 1, "y": U}, types) is False
    assert run("x not in [2, y]", {"x": 1, "y": U}, types) is U
    assert run("x in []", {"x": 1}, types) is False


def test_if_takes_the_branch_of_a_known_condition() -> None:
    types = {"c": "boolean", "a": "integer", "b": "integer"}
    assert run("if c then a else b", {"c": True, "a": 1, "b": U}, types) == 1
    assert run("if c then a else b", {"c": False, "a": U, "b": 2}, types) == 2


def test_if_with_unknown_condition_is_unknown_unless_branches_agree() -> None:
    types = {"c": "boolean", "a": "integer", "b": "decimal"}
    assert run("if c then a else b", {"c": U, "a": 1, "b": Decimal("2")}, types) is U
    assert run("if c then a else b", {"c": U, "a": 3, "b": Decimal("3.00")}, types) == 3
    assert run("if c then a else b", {"c": U, "a": U, "b": U}, types) is U
    assert run("if c then a else b", {"c": U, "a": 1, "b": U}, types) is U
    assert run("if c then true else true", {"c": U}, types) is True


def test_if_with_unknown_condition_never_confuses_booleans_with_numbers() -> None:
    assert same_value(True, 1) is False
    assert same_value(1, Decimal("1.0")) is True
    assert choose(U, True, True) is True
    assert choose(U, 1, True) is U


def test_arithmetic_is_exact_decimal_never_float() -> None:
    assert run("0.1 + 0.2 = 0.3") is True
    assert run("0.1 + 0.2") == Decimal("0.3")
    assert type(run("0.1 * 3")) is Decimal
    assert run("1 / 3 * 3") == Decimal("0.9999999999999999999999999999999999")
    assert run("10 / 4") == Decimal("2.5")
    assert type(run("10 / 5")) is Decimal
    assert run("7 - 10") == -3 and type(run("7 - 10")) is int
    assert run("2 * 1.50") == Decimal("3.00")
    assert run("12345678901234567890 * 10") == 123456789012345678900
    assert run("-(3 - 5)") == 2


def test_comparisons() -> None:
    assert run("1 < 1.5") is True
    assert run("2 = 2.00") is True
    assert run("2 != 2.01") is True
    assert run('"a" != "b"') is True
    assert run('date("2020-03-01") <= date("2020-03-01")') is True
    assert run('date("2020-03-01") > date("2020-02-29")') is True
    assert run("true = true") is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("round(364.50)", 364),  # half to even
        ("round(365.50)", 366),
        ("round(364.51)", 365),
        ("round(-364.50)", -364),
        ("round(2.345, 2)", Decimal("2.34")),
        ("round(2.355, 2)", Decimal("2.36")),
        ("round(7)", 7),
        ("round(7, 2)", 7),
        ("round_half_up(364.50)", 365),
        ("round_half_up(2.345, 2)", Decimal("2.35")),
        ("floor(364.99)", 364),
        ("floor(-1.5)", -2),
        ("floor(2.349, 2)", Decimal("2.34")),
        ("ceil(364.01)", 365),
        ("ceil(2.341, 2)", Decimal("2.35")),
        ("min(3, 1.5, 2)", Decimal("1.5")),
        ("max(3, 1, 2)", 3),
        ("abs(-2.50)", Decimal("2.50")),
        ("abs(-2)", 2),
        ('year(date("2020-03-31"))', 2020),
        ('month(date("2020-03-31"))', 3),
        ('day(date("2020-03-31"))', 31),
        ('start_of_month(date("2020-03-31"))', dt.date(2020, 3, 1)),
        ('months_between(date("2019-11-30"), date("2020-03-01"))', 3),
        ('months_between(date("2020-03-01"), date("2019-11-30"))', -3),
        ('days_between(date("2020-02-28"), date("2020-03-01"))', 2),
        ('min(date("2020-03-01"), date("2019-01-01"))', dt.date(2019, 1, 1)),
    ],
)
def test_functions(text: str, expected: object) -> None:
    result = run(text)
    assert result == expected
    assert type(result) is type(expected)


def test_round_gives_a_whole_number_for_364_50() -> None:
    assert run("round(income)", {"income": Decimal("364.50")}) == 364


FEE = Table("integer", {1: Decimal("40"), 2: Decimal("35"), 3: Decimal("30")}, Decimal("-5"))
RATE = Table("string", {"IL": Decimal("0.10"), "VT": Decimal("0.20")}, default=Decimal("0.15"))
ALLOWANCE = Table(
    "string",
    {
        "IL": Table("string", {"HEAT": 400, "NONE": 0}),
        "VT": Table("string", {"HEAT": 700, "NONE": 0}, default=50),
    },
)
SPARSE = Table("integer", {2: 20, 4: 40})
TABLES = {"fee": FEE, "rate": RATE, "allowance": ALLOWANCE, "sparse": SPARSE}


def run_table(text: str, **env: object) -> object:
    types = {"k": "integer", "s": "string", "c": "string"}
    from eligibility.expressions.types import TableType

    table_types = {
        "fee": TableType("integer", "decimal"),
        "rate": TableType("string", "decimal"),
        "allowance": TableType("string", TableType("string", "integer")),
        "sparse": TableType("integer", "integer"),
    }
    return run(text, env, {**types, **table_types}, TABLES)  # type: ignore[arg-type]


def test_table_rows_and_each_additional() -> None:
    assert run_table("fee[k]", k=1) == Decimal("40")
    assert run_table("fee[k]", k=3) == Decimal("30")
    assert run_table("fee[k]", k=4) == Decimal("25")
    assert run_table("fee[k]", k=9) == Decimal("0")
    assert run_table("fee[k]", k=10) == Decimal("-5")


def test_table_without_a_row_fails_and_default_fills_gaps() -> None:
    missing = run_table("fee[k]", k=0)
    assert missing == Failure("table fee has no row for 0")
    assert run_table("sparse[k]", k=3) == Failure("table sparse has no row for 3")
    assert run_table("rate[s]", s="IL") == Decimal("0.10")
    assert run_table("rate[s]", s="TX") == Decimal("0.15")


def test_nested_tables() -> None:
    assert run_table("allowance[s][c]", s="IL", c="HEAT") == 400
    assert run_table("allowance[s][c]", s="VT", c="COOL") == 50
    assert run_table("allowance[s][c]", s="TX", c="HEAT") == Failure(
        "table allowance has no row for TX"
    )
    assert run_table("allowance[s][c]", s="IL", c="COOL") == Failure(
        "table allowance has no row for COOL"
    )
    assert run_table("allowance[s][c]", s=U, c="HEAT") is U
    assert run_table("allowance[s][c]", s="IL", c=U) is U


def test_lookup_helper_ignores_booleans_as_keys() -> None:
    assert isinstance(lookup(FEE, True, "fee"), Failure)


def test_failures_propagate_and_dominate_unknown_but_not_a_decided_junction() -> None:
    types = {"x": "integer", "p": "boolean"}
    zero = {"x": 0, "p": U}
    assert run("1 / x", zero, types) == Failure("division by zero")
    assert run("1 / x > 1", zero, types) == Failure("division by zero")
    assert run("p and 1 / x > 1", zero, types) == Failure("division by zero")
    assert run("p or 1 / x > 1", zero, types) == Failure("division by zero")
    assert run("false and 1 / x > 1", zero, types) is False
    assert run("true or 1 / x > 1", zero, types) is True
    assert run("if 1 / x > 1 then 1 else 1", zero, types) == 1  # like an unknown condition
    assert run("if 1 / x > 1 then 1 else 2", zero, types) == Failure("division by zero")
    assert run("round(1 / x)", zero, types) == Failure("division by zero")


def test_decimal_overflow_is_a_failure_not_an_exception() -> None:
    assert arithmetic("*", Decimal("9E+999999"), Decimal("10")) == Failure(
        "arithmetic error: Overflow"
    )
    assert isinstance(run("round(x, 2)", {"x": Decimal("1E+40")}), Failure)


def test_helpers_of_the_three_valued_logic() -> None:
    assert strict((1, 2)) is None
    assert strict((1, U)) is U
    assert strict((U, Failure("a"), U)) == Failure("a")
    assert conjunction([True, U, Failure("a")]) == Failure("a")
    assert conjunction([True, True]) is True
    assert disjunction([False, U]) is U
    assert disjunction([]) is False
    assert is_known(0) and is_known(False) and not is_known(U) and not is_known(Failure("x"))


def test_unknown_and_failure_have_no_truth_value() -> None:
    assert Unknown() is UNKNOWN
    assert repr(UNKNOWN) == "UNKNOWN"
    with pytest.raises(TypeError):
        bool(UNKNOWN)
    with pytest.raises(TypeError):
        bool(Failure("x"))
    assert repr(Failure("x")) == "Failure('x')"
    assert hash(Failure("x")) == hash(Failure("x"))
    assert Failure("x") != "x"
