"""A batch replay counted up: outcomes changed per goal, rules that made the difference, sums.

Each partition of a replay job counts its own decisions (results go in one at a time,
the per-decision rows come out to be saved where it runs); the job merges the
partitions' tallies in key order into the summary.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from eligibility.batch.effects import Effects
from eligibility.decisions.changes import RuleChange
from eligibility.decisions.replay import ReplayResult
from eligibility.records import ReplaySummary


@dataclass
class Tally:
    """A replay summary being counted up, and the per-decision rows not yet saved."""

    total: int
    unchanged: int = 0
    changed: int = 0
    by_goal: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    changed_ids: list[str] = field(default_factory=list)
    failed_ids: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    by_rule: dict[str, dict[str, Any]] = field(default_factory=dict)
    sums: dict[str, list[Any]] = field(default_factory=dict)  # goal → [before, after, count]
    rows: list[dict[str, Any]] = field(default_factory=list)
    effects: Effects = field(default_factory=Effects)  # gains, losses, amount changes

    def add(self, result: ReplayResult) -> None:
        """Count one replayed decision."""
        self.rows.append(result.to_row())
        if result.error is not None:
            self.failed_ids[result.decision_id] = result.error
            return
        self._sum(result)
        self.effects.add(result.values, result.changes)
        changes = [c for c in result.changes if c.outcome_changed]
        if not changes:
            self.unchanged += 1
            return
        self.changed += 1
        self.changed_ids.append(result.decision_id)
        rules: dict[str, RuleChange] = {}
        for change in changes:
            self.labels.setdefault(change.goal, change.label)
            self.by_goal[change.goal][change.change] += 1
            rules.update({r.rule: r for r in change.rules})
        for rule in rules.values():  # each rule counted once per decision
            entry = self.by_rule.setdefault(
                rule.rule,
                {"label": rule.label, "legal_reference": rule.legal_reference, "decisions": 0},
            )
            entry["decisions"] += 1

    def _sum(self, result: ReplayResult) -> None:
        for goal, (before, after) in result.values.items():
            old, new = _amount(before), _amount(after)
            if old is not None and new is not None:
                total = self.sums.setdefault(goal, [Decimal(0), Decimal(0), 0])
                total[0] += old
                total[1] += new
                total[2] += 1

    def merge(self, other: Tally) -> None:
        """Count in another partition's tally (whose rows were saved where it ran)."""
        self.unchanged += other.unchanged
        self.changed += other.changed
        for goal, counts in other.by_goal.items():
            self.by_goal[goal].update(counts)
        self.changed_ids.extend(other.changed_ids)
        self.failed_ids.update(other.failed_ids)
        for goal, label in other.labels.items():
            self.labels.setdefault(goal, label)
        for rule, seen in other.by_rule.items():
            entry = self.by_rule.setdefault(rule, {**seen, "decisions": 0})
            entry["decisions"] += seen["decisions"]
        for goal, (before, after, count) in other.sums.items():
            total = self.sums.setdefault(goal, [Decimal(0), Decimal(0), 0])
            total[0] += before
            total[1] += after
            total[2] += count
        self.effects.merge(other.effects)

    def take_rows(self) -> list[dict[str, Any]]:
        """The rows counted since the last call (to be saved with the job's progress)."""
        rows, self.rows = self.rows, []
        return rows

    @property
    def processed(self) -> int:
        """How many decisions have been counted."""
        return self.unchanged + self.changed + len(self.failed_ids)

    def summary(self) -> ReplaySummary:
        """The summary so far."""
        return ReplaySummary(
            total=self.total,
            unchanged=self.unchanged,
            changed=self.changed,
            failed=len(self.failed_ids),
            by_goal={goal: dict(counts) for goal, counts in sorted(self.by_goal.items())},
            changed_ids=tuple(self.changed_ids),
            failed_ids=dict(self.failed_ids),
            labels=dict(self.labels),
            by_rule=dict(sorted(self.by_rule.items(), key=lambda kv: -kv[1]["decisions"])),
            amounts={
                goal: {
                    "recorded": str(before),
                    "replayed": str(after),
                    "difference": str(after - before),
                    "decisions": count,
                }
                for goal, (before, after, count) in self.sums.items()
            },
            effects=self.effects.to_dict(),
        )


_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def _amount(value: Any) -> Decimal | None:
    """A recorded goal value as a number, when it is one (never a boolean)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str) and _NUMBER.match(value):
        return Decimal(value)
    return None
