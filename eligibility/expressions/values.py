"""Runtime values of the language: known Python values, UNKNOWN, and a computation failure."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from typing import Final


class Unknown:
    """The value of a question not answered (or answered "I don't know")."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value; compare with `is UNKNOWN`")


class Failure:
    """A value that could not be computed (division by zero, no table row)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"Failure({self.reason!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Failure) and other.reason == self.reason

    def __hash__(self) -> int:
        return hash(self.reason)

    def __bool__(self) -> bool:
        raise TypeError("a Failure has no truth value")


UNKNOWN: Final = Unknown()
FAILURE = Failure  # the type, re-exported for isinstance checks

Known = bool | int | Decimal | str | dt.date
Value = bool | int | Decimal | str | dt.date | Unknown | Failure

# One context for all money arithmetic: exact to 34 digits, banker's rounding, loud on errors.
DECIMAL_CONTEXT: Final = Context(
    prec=34, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)


def is_known(value: Value) -> bool:
    """True for an ordinary value, false for UNKNOWN and failures."""
    return value is not UNKNOWN and not isinstance(value, Failure)


def same_value(a: Value, b: Value) -> bool:
    """Equality that never confuses booleans with numbers (True is not 1 here)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)
