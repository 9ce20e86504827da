"""Static types of the language: scalar type names and table types."""

from __future__ import annotations

from dataclasses import dataclass

NUMERIC = ("integer", "decimal")


@dataclass(frozen=True)
class TableType:
    """The type of a parameter table: its key type and the type of its values."""

    key: str
    value: Type

    def __str__(self) -> str:
        return f"table of {self.value} by {self.key}"


Type = str | TableType


def is_numeric(t: Type) -> bool:
    """True for integer and decimal."""
    return t in NUMERIC


def unify_numeric(a: Type, b: Type) -> str:
    """The type of a mixed numeric result: decimal if either side is decimal."""
    return "decimal" if "decimal" in (a, b) else "integer"


def compatible(a: Type, b: Type) -> bool:
    """True when values of the two types can be compared or chosen between."""
    return a == b or (is_numeric(a) and is_numeric(b))


def describe(t: Type) -> str:
    """A type in words for error messages."""
    words = {
        "boolean": "yes/no (boolean)",
        "integer": "a whole number",
        "decimal": "an amount (decimal)",
        "string": "a text",
        "date": "a date",
    }
    return words.get(t, str(t)) if isinstance(t, str) else str(t)
