"""Constants for the fast paths generated code takes before calling a runtime helper.

A table lookup by keys of a row's own class reads the row from one dict of the table's
direct rows (`flat_rows`), or a one-level table's default when it has no such row and
nothing extends it; a rounding function on a `Decimal` is one `quantize` with its exponent
made once (`exponent`). Every other case (a row added by `each_additional`, a nested
table's default, no row, an integer to round) goes to the helper or the function itself,
so the generated code gives what the closures give.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from eligibility.model import Table

__all__ = ["exponent", "flat_rows"]


def flat_rows(table: Table, depth: int) -> tuple[dict[Any, Any], tuple[type, ...]] | None:
    """A table's direct rows by key (by a tuple of keys for `depth` > 1), and the class of
    each level's keys (`int` or `str`); None when a level mixes classes or has no row."""
    levels: list[list[Table]] = [[table]]
    for _ in range(depth - 1):
        levels.append([r for t in levels[-1] for r in t.rows.values() if isinstance(r, Table)])
    classes = []
    for tables in levels:
        found = {type(key) for t in tables for key in t.rows}
        if len(found) != 1 or not found <= {int, str}:
            return None
        classes.append(found.pop())
    flat: dict[Any, Any] = {}
    _collect(table, depth, (), flat)
    return flat, tuple(classes)


def _collect(table: Table, depth: int, keys: tuple[Any, ...], flat: dict[Any, Any]) -> None:
    for key, row in table.rows.items():
        if depth > 1:
            if isinstance(row, Table):
                _collect(row, depth - 1, (*keys, key), flat)
        elif not isinstance(row, Table) and row is not None:
            flat[(*keys, key) if keys else key] = row


def exponent(places: int | None) -> Decimal:
    """The exponent a rounding function quantizes to (as `functions._rounding` makes it)."""
    return Decimal(1).scaleb(-(places or 0))
