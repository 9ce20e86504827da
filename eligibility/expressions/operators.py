"""The language's operators on runtime values: Kleene logic, exact arithmetic, table rows.

Strict operations (arithmetic, comparison, calls, lookups) give UNKNOWN when an operand
is UNKNOWN; `and`, `or` and `if` decide whenever the known operands suffice. A Failure
(division by zero, no table row) propagates like UNKNOWN but dominates it, so an
undecided goal can report why.
"""

from __future__ import annotations

from decimal import Decimal, DecimalException

from eligibility.expressions.values import DECIMAL_CONTEXT, UNKNOWN, Failure, Value, same_value
from eligibility.model import Table


def strict(values: tuple[Value, ...] | list[Value]) -> Value | None:
    """The Failure or UNKNOWN among strict operands (failures first), else None."""
    found: Value | None = None
    for value in values:
        if isinstance(value, Failure):
            return value
        if value is UNKNOWN:
            found = UNKNOWN
    return found


def conjunction(values: list[Value]) -> Value:
    """Kleene `and`: false wins, then failures, then unknown."""
    if any(v is False for v in values):
        return False
    pending = strict(values)
    return True if pending is None else pending


def disjunction(values: list[Value]) -> Value:
    """Kleene `or`: true wins, then failures, then unknown."""
    if any(v is True for v in values):
        return True
    pending = strict(values)
    return False if pending is None else pending


def choose(cond: Value, then: Value, otherwise: Value) -> Value:
    """Kleene `if`: the taken branch, or the common value of both when the condition is open."""
    if cond is True:
        return then
    if cond is False:
        return otherwise
    if strict((then, otherwise)) is None and same_value(then, otherwise):
        return then
    return cond if isinstance(cond, Failure) else UNKNOWN


def arithmetic(op: str, a: int | Decimal, b: int | Decimal) -> Value:
    """Exact arithmetic on integers and decimals; division always gives a decimal."""
    try:
        if op == "/":
            if b == 0:
                return Failure("division by zero")
            return DECIMAL_CONTEXT.divide(Decimal(a), Decimal(b))
        if isinstance(a, int) and isinstance(b, int):
            return {"+": a + b, "-": a - b, "*": a * b}[op]
        method = {
            "+": DECIMAL_CONTEXT.add,
            "-": DECIMAL_CONTEXT.subtract,
            "*": DECIMAL_CONTEXT.multiply,
        }
        return method[op](Decimal(a), Decimal(b))
    except DecimalException as error:
        return Failure(f"arithmetic error: {type(error).__name__}")


def lookup(table: Table, key: Value, name: str) -> Value | Table:
    """One row of a table, extending integer keys by `each_additional`."""
    if isinstance(key, int | str) and not isinstance(key, bool) and key in table.rows:
        return table.rows[key]
    if table.each_additional is not None and isinstance(key, int) and table.rows:
        last = max(k for k in table.rows if isinstance(k, int))
        if key > last:
            base = table.rows[last]
            assert isinstance(base, int | Decimal)
            return arithmetic("+", base, (key - last) * table.each_additional)
    if table.default is not None:
        return table.default
    return Failure(f"table {name} has no row for {key}")
