"""What a reform does to a population, counted so partitions can be merged in any order.

Per goal: who gains or loses eligibility (a boolean goal becoming true, or ceasing
to be), the sums of amounts before and after, and the distribution of each row's
amount change; per rule, in how many rows it made the difference. Distributions
keep exact values up to MAX_DISTINCT of them, then coarser buckets (powers of ten),
so a partition's counts stay small however many rows it has.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any, TypeVar

from eligibility.decisions.changes import GoalChange

MAX_DISTINCT = 400
K = TypeVar("K")
V = TypeVar("V")
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def entry(found: dict[K, V], key: K, make: Callable[[], V]) -> V:
    """found[key], made by `make` only when missing."""
    value = found.get(key)  # setdefault would make a Counter or Distribution per row and goal
    if value is None:
        value = found[key] = make()
    return value


def _no_amounts() -> list[Any]:
    return [Decimal(0), Decimal(0), 0]


_AMOUNTS: dict[str, Decimal | None] = {}  # a goal value's text → its number: values repeat
MAX_AMOUNTS = 4096


def amount(value: Any) -> Decimal | None:
    """A goal value as a number, when it is one (never a boolean).

    Texts are read once (a Decimal is immutable, so rows share it); the same number
    `Decimal(text)` gives, which is exact.
    """
    if value.__class__ is str:
        found = _AMOUNTS.get(value, _AMOUNTS)
        if found is _AMOUNTS:
            found = Decimal(value) if _NUMBER.match(value) else None
            if len(_AMOUNTS) >= MAX_AMOUNTS:  # a worker lives long
                _AMOUNTS.clear()
            _AMOUNTS[value] = found
        return found  # type: ignore[return-value]
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str) and _NUMBER.match(value):
        return Decimal(value)
    return None


@dataclass
class Distribution:
    """How often each non-zero value (or bucket of width `step`, floored) occurred; zeros apart."""

    counts: Counter[Decimal] = field(default_factory=Counter)
    step: Decimal | None = None  # None: exact values
    zero: int = 0  # no change at all: never in a bucket with small changes

    def add(self, value: Decimal, times: int = 1) -> None:
        """Count a value."""
        if value == 0:
            self.zero += times
            return
        self._count(value, times)

    def merge(self, other: Distribution) -> None:
        """Count in another distribution."""
        if other.step is not None and (self.step is None or other.step > self.step):
            self._rebucket(other.step)
        for value, times in other.counts.items():
            # Not `add`: a coarse bucket 0 holds small changes, not "no change" (`zero`).
            self._count(value, times)
        self.zero += other.zero

    def _count(self, value: Decimal, times: int) -> None:
        self.counts[self._key(value)] += times
        while len(self.counts) > MAX_DISTINCT:
            self._coarsen()

    def moved(self) -> list[tuple[Decimal, int]]:
        """The non-zero values (a bucket's middle when coarse) and how often, in order."""
        half = self.step / 2 if self.step is not None else Decimal(0)
        return [(value + half, count) for value, count in sorted(self.counts.items())]

    def _key(self, value: Decimal) -> Decimal:
        if self.step is None:
            return value
        return (value / self.step).to_integral_value(ROUND_FLOOR) * self.step

    def _coarsen(self) -> None:
        if self.step is None:
            spread = max(abs(v) for v in self.counts) or Decimal(1)
            self._rebucket(Decimal(10) ** max(-2, spread.adjusted() - 2))
        else:
            self._rebucket(self.step * 10)

    def _rebucket(self, step: Decimal) -> None:
        old, self.counts, self.step = self.counts, Counter(), step
        for value, times in old.items():
            self.counts[self._key(value)] += times

    @property
    def total(self) -> int:
        """How many values were counted."""
        return sum(self.counts.values()) + self.zero

    def to_dict(self) -> dict[str, Any]:
        """Plain data: values (bucket starts) as decimal strings, in order."""
        return {
            "step": None if self.step is None else str(self.step),
            "counts": {str(v): n for v, n in sorted(self.counts.items())},
            "zero": self.zero,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Distribution:
        """A distribution from `to_dict` data."""
        step = data.get("step")
        counts = Counter({Decimal(v): n for v, n in data.get("counts", {}).items()})
        return cls(counts, None if step is None else Decimal(step), data.get("zero", 0))


@dataclass
class Effects:
    """Baseline against reform over many rows: gains, losses, amounts, rules."""

    compared: int = 0
    changed: int = 0
    gained: Counter[str] = field(default_factory=Counter)
    lost: Counter[str] = field(default_factory=Counter)
    by_goal: dict[str, Counter[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    amounts: dict[str, list[Any]] = field(default_factory=dict)  # goal → [before, after, rows]
    differences: dict[str, Distribution] = field(default_factory=dict)
    by_rule: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, values: Mapping[str, tuple[Any, Any]], changes: Sequence[GoalChange]) -> None:
        """Count one row: every goal's value before and after, and the goals that changed."""
        self.compared += 1
        for goal, (before, after) in values.items():
            if isinstance(before, bool) or isinstance(after, bool):
                self.gained[goal] += before is not True and after is True
                self.lost[goal] += before is True and after is not True
            old, new = amount(before), amount(after)
            if old is not None and new is not None:
                sums = entry(self.amounts, goal, _no_amounts)
                sums[0], sums[1], sums[2] = sums[0] + old, sums[1] + new, sums[2] + 1
                entry(self.differences, goal, Distribution).add(new - old)
        moved = [c for c in changes if c.outcome_changed]
        if not moved:
            return
        self.changed += 1
        rules: dict[str, Any] = {}
        for change in moved:
            self.labels.setdefault(change.goal, change.label)
            entry(self.by_goal, change.goal, Counter)[change.change] += 1
            rules.update({r.rule: r for r in change.rules})
        for rule in rules.values():  # once per row
            seen = self.by_rule.get(rule.rule)
            if seen is None:
                seen = self.by_rule[rule.rule] = {
                    "label": rule.label,
                    "legal_reference": rule.legal_reference,
                    "rows": 0,
                }
            seen["rows"] += 1

    def merge(self, other: Effects) -> None:
        """Count in another partition's effects."""
        self.compared += other.compared
        self.changed += other.changed
        self.gained.update(other.gained)
        self.lost.update(other.lost)
        for goal, counts in other.by_goal.items():
            self.by_goal.setdefault(goal, Counter()).update(counts)
        for goal, label in other.labels.items():
            self.labels.setdefault(goal, label)
        for goal, (before, after, rows) in other.amounts.items():
            sums = self.amounts.setdefault(goal, [Decimal(0), Decimal(0), 0])
            sums[0], sums[1], sums[2] = sums[0] + before, sums[1] + after, sums[2] + rows
        for goal, distribution in other.differences.items():
            self.differences.setdefault(goal, Distribution()).merge(distribution)
        for rule, seen in other.by_rule.items():
            entry = self.by_rule.setdefault(rule, {**seen, "rows": 0})
            entry["rows"] += seen["rows"]

    def to_dict(self, *, as_seen: bool = False) -> dict[str, Any]:
        """Plain data (JSON-safe): amounts as decimal strings, rules most frequent first.

        `as_seen`: rules in the order first seen, as `merge` meets them (counts kept to be
        merged again give the order of ties a run through gives).
        """
        return {
            "compared": self.compared,
            "changed": self.changed,
            "gained": dict(self.gained),
            "lost": dict(self.lost),
            "by_goal": {g: dict(c) for g, c in self.by_goal.items()},
            "labels": dict(self.labels),
            "amounts": {
                goal: {
                    "baseline": str(before),
                    "reform": str(after),
                    "difference": str(after - before),
                    "rows": rows,
                }
                for goal, (before, after, rows) in self.amounts.items()
            },
            "differences": {g: d.to_dict() for g, d in self.differences.items()},
            "by_rule": dict(
                self.by_rule
                if as_seen
                else sorted(self.by_rule.items(), key=lambda kv: -kv[1]["rows"])
            ),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Effects:
        """Effects from `to_dict` data."""
        return cls(
            compared=data.get("compared", 0),
            changed=data.get("changed", 0),
            gained=Counter(data.get("gained", {})),
            lost=Counter(data.get("lost", {})),
            by_goal={g: Counter(c) for g, c in data.get("by_goal", {}).items()},
            labels=dict(data.get("labels", {})),
            amounts={
                g: [Decimal(a["baseline"]), Decimal(a["reform"]), a["rows"]]
                for g, a in data.get("amounts", {}).items()
            },
            differences={
                g: Distribution.from_dict(d) for g, d in data.get("differences", {}).items()
            },
            by_rule={r: dict(s) for r, s in data.get("by_rule", {}).items()},
        )
