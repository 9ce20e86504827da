"""Aggregates over a collection that may still grow, in three-valued (Kleene) logic.

`any` is true once a known instance makes it true, and false only when the collection is
complete and every instance is false; `all` dually. `count`, `sum`, `min` and `max` are known
only when the collection is complete and every value they read is known. So nothing is
concluded from a list that may still grow, and every aggregate is monotone: more answers
(or more instances of an incomplete collection) never change a known result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from typing import Any

from eligibility.expressions.values import DECIMAL_CONTEXT, UNKNOWN, Failure, Value

PARENT = "^"  # the key under which an instance's environment holds its parent's


def collection_key(collection: str) -> tuple[str, str]:
    """The key under which an environment holds the instances of one of its collections."""
    return ("collection", collection)


@dataclass
class Instances:
    """The instances of one collection in one parent: ids, environments, completeness."""

    ids: list[str]
    envs: list[dict[Any, Any]]
    complete: bool | None  # None: not yet known whether anyone else is to come
    declared: int | None = None  # how many there are, when the claimant said so (how_many)
    positions: dict[str, int] = field(default_factory=dict)

    def __iter__(self) -> Iterator[tuple[str, dict[Any, Any]]]:
        return iter(zip(self.ids, self.envs, strict=True))


Reader = Callable[[dict[Any, Any]], Value]


def _pending(values: list[Value]) -> Value:
    """The Failure among open values, else UNKNOWN."""
    return next((v for v in values if isinstance(v, Failure)), UNKNOWN)


def any_of(items: Instances, test: Reader, keep: Reader | None) -> Value:
    """Kleene `any`: true on one known true instance; false only when complete and all false."""
    open_values: list[Value] = []
    for env in items.envs:
        selected = keep(env) if keep is not None else True
        if selected is False:
            continue
        value = test(env)
        if value is True and selected is True:
            return True
        if value is not False:  # a false test makes the instance false whatever its filter
            open_values.append(value if selected is True else _worst(selected, value))
    if items.complete is True and not open_values:
        return False
    return _pending(open_values)


def all_of(items: Instances, test: Reader, keep: Reader | None) -> Value:
    """Kleene `all`: false on one known false instance; true only when complete and all true."""
    open_values: list[Value] = []
    for env in items.envs:
        selected = keep(env) if keep is not None else True
        if selected is False:
            continue
        value = test(env)
        if value is False and selected is True:
            return False
        if value is not True:
            open_values.append(value if selected is True else _worst(selected, value))
    if items.complete is True and not open_values:
        return True
    return _pending(open_values)


def _worst(a: Value, b: Value) -> Value:
    return a if isinstance(a, Failure) else b if isinstance(b, Failure) else UNKNOWN


def selected_values(
    items: Instances, read: Reader | None, keep: Reader | None
) -> list[Any] | Value:
    """The values of the selected instances, or the reason they are not all known yet."""
    found: list[Any] = []
    pending: list[Value] = []
    for env in items.envs:
        selected = keep(env) if keep is not None else True
        if selected is False:
            continue
        value = read(env) if read is not None else True
        if selected is True and value is not UNKNOWN and not isinstance(value, Failure):
            found.append(value)
        else:
            pending.append(selected if selected is not True else value)
    if pending:
        return _pending(pending)
    return found if items.complete is True else UNKNOWN


def count(items: Instances, keep: Reader | None) -> Value:
    """How many (selected) instances there are, once the collection is complete."""
    if keep is None and items.declared is not None:
        return items.declared  # the claimant said how many: known before all are listed
    found = selected_values(items, None, keep)
    return len(found) if isinstance(found, list) else found


def total(items: Instances, read: Reader, keep: Reader | None) -> Value:
    """The sum of the selected instances' values (0 when none), once all are known."""
    found = selected_values(items, read, keep)
    if not isinstance(found, list):
        return found
    if any(isinstance(v, Decimal) for v in found):
        return reduce(DECIMAL_CONTEXT.add, (Decimal(v) for v in found), Decimal(0))
    result: int = sum(found, 0)
    return result


def extreme(func: str, items: Instances, read: Reader, keep: Reader | None) -> Value:
    """The least or greatest selected value, once all are known (a Failure when there is none)."""
    found = selected_values(items, read, keep)
    if not isinstance(found, list):
        return found
    if not found:
        return Failure(f"{func}() over no instances")
    result: Value = min(found) if func == "min" else max(found)
    return result


def evaluator(func: str, key: Any, read: Reader | None, keep: Reader | None) -> Reader:
    """The closure of one aggregate: `func` over the instances an environment holds under `key`."""
    if func == "count":
        return lambda env: count(env[key], keep)
    assert read is not None
    if func in ("any", "all"):
        test = any_of if func == "any" else all_of
        return lambda env: test(env[key], read, keep)
    if func == "sum":
        return lambda env: total(env[key], read, keep)
    return lambda env: extreme(func, env[key], read, keep)


def parent_reader(up: int, name: str) -> Reader:
    """The closure that reads `name` in the environment `up` levels above an instance's."""
    if up == 1:
        return lambda env: env[PARENT][name]

    def run(env: dict[Any, Any]) -> Value:
        for _ in range(up):
            env = env[PARENT]
        return env[name]  # type: ignore[no-any-return]

    return run
