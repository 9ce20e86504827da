"""A version's dependency graph: which named values an answer reaches, and recomputing only those.

The compiler already knows what each derived value, rule and goal reads (`Named.reads`);
turned around, that says which named values a changed answer can change. `recompute`
updates an environment computed for earlier answers after some inputs changed,
evaluating (with the version's closures) only the named values downstream of them, in
evaluation order, and going no further than a value that came out the same.
"""

from __future__ import annotations

import heapq
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from eligibility.compiler import CompiledRuleSet
from eligibility.expressions.values import Value

__all__ = ["Dependencies", "dependencies", "recompute", "same"]


@dataclass(frozen=True)
class Dependencies:
    """Who reads whom in one version, and where each named value comes in evaluation order."""

    readers: Mapping[str, tuple[str, ...]]  # a question, parameter or named value → its readers
    position: Mapping[str, int]  # a named value → its index in `compiled.order`


_graphs: dict[int, tuple[weakref.ref[CompiledRuleSet], Dependencies]] = {}
_lock = threading.Lock()


def dependencies(compiled: CompiledRuleSet) -> Dependencies:
    """The version's dependency graph (made once per compiled version)."""
    found = _graphs.get(id(compiled))
    if found is not None and found[0]() is compiled:
        return found[1]
    readers: dict[str, list[str]] = {}
    for name in compiled.order:
        for read in compiled.named[name].reads:
            readers.setdefault(read, []).append(name)
    made = Dependencies(
        readers={k: tuple(v) for k, v in readers.items()},
        position={name: i for i, name in enumerate(compiled.order)},
    )
    with _lock:
        key = id(compiled)
        _graphs[key] = (weakref.ref(compiled, lambda _: _graphs.pop(key, None)), made)
    return made


def same(old: Value | None, new: Value) -> bool:
    """True when a reader of the value cannot tell the two apart (1.0 and 1.00 differ)."""
    if old is new:
        return True
    if type(old) is not type(new) or old != new:
        return False
    return type(new) is not Decimal or str(old) == str(new)


Decide = Callable[[str, dict[Any, Any]], Any]  # a named value's value from an engine


def recompute(
    compiled: CompiledRuleSet,
    env: dict[Any, Any],
    changed: Iterable[str],
    decide: Decide | None = None,
) -> list[str]:
    """Bring `env` up to date after the inputs `changed` were set in it; the names evaluated.

    Every named value downstream of a change is evaluated again, in evaluation order,
    unless none of what it reads came out different. The result equals a full computation
    for every name (values of sub-expressions in branches not taken may stay from before;
    nothing reads those). `decide`, when given, gives each value instead of its closure
    (durable_rules deciding the boolean goals, `engine/durable.py`).
    """
    graph = dependencies(compiled)
    named, position, readers = compiled.named, graph.position, graph.readers
    waiting: list[int] = []
    queued: set[str] = set()

    def queue_readers(name: str) -> None:
        for reader in readers.get(name, ()):
            if reader not in queued:
                queued.add(reader)
                heapq.heappush(waiting, position[reader])

    for name in changed:
        queue_readers(name)
    evaluated: list[str] = []
    order = compiled.order
    while waiting:
        name = order[heapq.heappop(waiting)]
        old = env.get(name)
        new = named[name].evaluate(env) if decide is None else decide(name, env)
        env[name] = new
        evaluated.append(name)
        if not same(old, new):
            queue_readers(name)
    return evaluated
