"""What generated evaluators call where inlining would gain nothing: the rarer, longer cases.

Every function here gives exactly what the closure of the same construct gives
(`expressions/interpreter.py`), which stays the reference.
"""

from __future__ import annotations

from decimal import DecimalException
from typing import Any

from eligibility.expressions.operators import lookup, strict
from eligibility.expressions.values import DECIMAL_CONTEXT, UNKNOWN, Failure, Unknown, Value
from eligibility.model import Table

# Classes of the values that are not known: a strict operation with one of them is not either.
PENDING = frozenset({Unknown, Failure})
ADD, SUBTRACT, MULTIPLY = DECIMAL_CONTEXT.add, DECIMAL_CONTEXT.subtract, DECIMAL_CONTEXT.multiply
DIVIDE = DECIMAL_CONTEXT.divide


def pending(*values: Value) -> Value:
    """The Failure among the operands (the first), else UNKNOWN: some operand is not known."""
    found = strict(values)
    return UNKNOWN if found is None else found


def arithmetic_error(error: DecimalException) -> Failure:
    """The failure of an exact operation that left the decimal context."""
    return Failure(f"arithmetic error: {type(error).__name__}")


def call_error(func: str, error: DecimalException) -> Failure:
    """The failure of a function on decimals."""
    return Failure(f"{func}(): {type(error).__name__}")


def division(a: Any, b: Any) -> Value:
    """`a / b` on known numbers: always a decimal; a failure for zero."""
    if b == 0:
        return Failure("division by zero")
    try:
        return DIVIDE(a, b)
    except DecimalException as error:
        return arithmetic_error(error)


def rows(table: Table, keys: tuple[Value, ...], name: str) -> Value:
    """A (nested) table lookup by known keys, as the closures do it.

    A key of a row is taken directly; anything else (a row added by `each_additional`,
    the default, no row) goes through the closures' `lookup`.
    """
    row: Any = table
    for key in keys:
        cls = key.__class__
        if (cls is int or cls is str) and key in row.rows:
            row = row.rows[key]
            continue
        row = lookup(row, key, name)
        if row.__class__ is Failure:
            return row
    return row  # type: ignore[no-any-return]
