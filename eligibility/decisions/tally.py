"""A batch replay counted up: outcomes changed per goal, rules that made the difference, sums.

Each partition of a replay job counts its own decisions (results go in one at a time,
the per-decision rows come out to be saved where it runs); the job merges the
partitions' tallies in key order into the summary. A summary names at most LISTED_IDS
changed and failed decisions (the first, in key order): a what-if of a million decisions
would otherwise carry tens of megabytes of ids in every read of its job; the job's results
name every one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from eligibility.batch.effects import Effects
from eligibility.decisions.replay import ReplayResult
from eligibility.records import LISTED_IDS, ReplaySummary, counted_failures, failure_kind


@dataclass
class Tally:
    """A replay summary being counted up, and the per-decision rows not yet saved.

    What changed per goal, the rules behind it and the sums of amounts are the `effects`'
    counts (counted once per decision, written in the summary's words by `summary`).
    """

    total: int
    unchanged: int = 0
    failed: int = 0
    changed_ids: list[str] = field(default_factory=list)  # the first LISTED_IDS
    failed_ids: dict[str, str] = field(default_factory=dict)  # the first LISTED_IDS
    failures: Counter[str] = field(default_factory=Counter)  # failed decisions by kind of error
    rows: list[dict[str, Any]] = field(default_factory=list)
    effects: Effects = field(default_factory=Effects)  # gains, losses, amount changes

    def add(self, result: ReplayResult) -> None:
        """Count one replayed decision."""
        self.rows.append(result.to_row())
        if result.error is not None:
            self.failed += 1
            self.failures[failure_kind(result.error)] += 1
            if len(self.failed_ids) < LISTED_IDS:
                self.failed_ids[result.decision_id] = result.error
            return
        before = self.effects.changed
        self.effects.add(result.values, result.changes)
        if self.effects.changed == before:  # no outcome changed
            self.unchanged += 1
        elif len(self.changed_ids) < LISTED_IDS:
            self.changed_ids.append(result.decision_id)

    @property
    def changed(self) -> int:
        """How many decisions had an outcome changed."""
        return self.effects.changed

    def merge(self, other: Tally) -> None:
        """Count in another partition's tally (whose rows were saved where it ran)."""
        self.unchanged += other.unchanged
        self.failed += other.failed
        self.failures.update(other.failures)
        # Merged in key order, so the first LISTED_IDS of each partition hold those of all.
        self.changed_ids.extend(other.changed_ids[: max(0, LISTED_IDS - len(self.changed_ids))])
        room = max(0, LISTED_IDS - len(self.failed_ids))
        self.failed_ids.update(list(other.failed_ids.items())[:room])
        self.effects.merge(other.effects)

    def take_rows(self) -> list[dict[str, Any]]:
        """The rows counted since the last call (to be saved with the job's progress)."""
        rows, self.rows = self.rows, []
        return rows

    def to_dict(self) -> dict[str, Any]:
        """The counts as plain data (JSON-safe; the rows not taken yet are not in them)."""
        return {
            "total": self.total,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "changed_ids": list(self.changed_ids),
            "failed_ids": dict(self.failed_ids),
            "failures": dict(self.failures),
            "effects": self.effects.to_dict(as_seen=True),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tally:
        """A tally from `to_dict` data (a partition's counts kept while its job ran)."""
        failed_ids = dict(data["failed_ids"])  # all of them, in counts kept before `failed`
        return cls(
            total=data["total"],
            unchanged=data["unchanged"],
            failed=data.get("failed", len(failed_ids)),
            changed_ids=list(data["changed_ids"][:LISTED_IDS]),
            failed_ids=dict(list(failed_ids.items())[:LISTED_IDS]),
            failures=counted_failures(data),
            effects=Effects.from_dict(data["effects"]),
        )

    @property
    def processed(self) -> int:
        """How many decisions have been counted."""
        return self.unchanged + self.changed + self.failed

    def summary(self) -> ReplaySummary:
        """The summary so far."""
        effects = self.effects
        by_rule = {
            rule: {
                "label": seen["label"],
                "legal_reference": seen["legal_reference"],
                "decisions": seen["rows"],
            }
            for rule, seen in effects.by_rule.items()
        }
        return ReplaySummary(
            total=self.total,
            unchanged=self.unchanged,
            changed=self.changed,
            failed=self.failed,
            by_goal={goal: dict(counts) for goal, counts in sorted(effects.by_goal.items())},
            changed_ids=tuple(self.changed_ids),
            failed_ids=dict(self.failed_ids),
            failures=dict(self.failures.most_common()),
            labels=dict(effects.labels),
            by_rule=dict(sorted(by_rule.items(), key=lambda kv: -kv[1]["decisions"])),
            amounts={
                goal: {
                    "recorded": str(before),
                    "replayed": str(after),
                    "difference": str(after - before),
                    "decisions": count,
                }
                for goal, (before, after, count) in effects.amounts.items()
            },
            effects=effects.to_dict(),
        )


class InOrder:
    """The partitions completed so far merged in key order, each merged once where it can be.

    Partitions 0..k-1 (all completed) are merged into a running tally as they come; a
    summary copies that and merges only those that completed ahead of it. Merging every
    completed partition for each progress save cost the job's process O(partitions²):
    a tally's distributions hold up to 400 values per goal, and a job of 1,000,000 decisions
    has 500 partitions. The same summary as merging them all in key order at once: the same
    merges in the same order, the running tally merged into an empty one (a copy) first.
    """

    def __init__(self, total: int, tallies: dict[int, Tally]) -> None:
        self.total, self.tallies = total, tallies
        self.first = Tally(total)  # partitions 0 .. reached - 1, merged in order
        self.reached = 0

    def summary(self) -> ReplaySummary:
        """The summary of every partition in `tallies` now (ids in sequence order)."""
        while self.reached in self.tallies:
            self.first.merge(self.tallies[self.reached])
            self.reached += 1
        whole = Tally(self.total)
        whole.merge(self.first)
        for index in sorted(i for i in self.tallies if i > self.reached):
            whole.merge(self.tallies[index])
        return whole.summary()
