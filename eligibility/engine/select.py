"""The engine an evaluation computes with: the pure evaluator, or durable_rules deciding goals."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any, Literal, Protocol

from eligibility.answers import Answers
from eligibility.compiler import CompiledRuleSet
from eligibility.engine.pure import compute
from eligibility.expressions.values import Value

EngineName = Literal["durable", "pure"]


class Engine(Protocol):
    """Computes every named value of a version for some answers."""

    def __call__(
        self,
        compiled: CompiledRuleSet,
        answers: Mapping[str, Value],
        as_of: dt.date,
        instances: Mapping[str, tuple[Answers, ...]] | None = None,
    ) -> dict[str, Value]:
        """The environment: every question, parameter and named value."""
        ...


def engine(name: EngineName) -> Engine:
    """The engine of that name (durable_rules is loaded on first use)."""
    if name == "pure":
        return compute
    found: Engine = _durable().compute_durable  # read each time: tests count its calls
    return found


@functools.cache
def _durable() -> Any:
    """The durable_rules engine module, imported once (an import statement costs ~2 µs)."""
    from eligibility.engine import durable

    return durable


def decider(name: EngineName, compiled: CompiledRuleSet) -> Any:
    """How an interview step recomputes a value under this engine (None: by its closure)."""
    return None if name == "pure" else _durable().decider(compiled)
