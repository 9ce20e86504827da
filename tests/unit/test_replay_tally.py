"""A replay's tally names at most LISTED_IDS decisions, counts them all, merges in key order."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from cli.replay import summary_text
from eligibility.decisions import ReplayResult
from eligibility.decisions.changes import GoalChange
from eligibility.decisions.tally import InOrder, Tally
from eligibility.records import LISTED_IDS, ReplaySummary


def _replayed(sequence: int, **found: Any) -> ReplayResult:
    """Decision `d<sequence>` of SNAP 2019-10-01 replayed under 2020-03-01, with what was found."""
    return ReplayResult(
        f"d{sequence}",
        "snap",
        "2019-10-01",
        "2020-03-01",
        "hash",
        dt.date(2020, 3, 1),
        sequence=sequence,
        **found,
    )


def _result(sequence: int, kind: str) -> ReplayResult:
    """Decision `d<sequence>` replayed: unchanged, changed (eligible → not) or failed."""
    changed = kind == "changed"
    return _replayed(
        sequence,
        error=f"{'AnswerError' if sequence % 2 else 'ValidationError'}: no"
        if kind == "failed"
        else None,
        changes=(GoalChange("eligible", "Eligible", True, False),) if changed else (),
        values={"eligible": (True, not changed)},
    )


def _kind(sequence: int) -> str:
    return ("unchanged", "changed", "failed")[sequence % 3]


def _partition(low: int, high: int) -> Tally:
    tally = Tally(high - low + 1)
    for sequence in range(low, high + 1):
        tally.add(_result(sequence, _kind(sequence)))
    return tally


def test_a_merged_summary_names_the_first_decisions_in_key_order_and_counts_them_all() -> None:
    ranges = [(1, 120), (121, 400), (401, 900)]  # 300 changed, 300 failed in all
    whole = Tally(900)
    for low, high in ranges:
        whole.merge(Tally.from_dict(_partition(low, high).to_dict()))  # as kept to resume
    summary = whole.summary()

    changed = [f"d{s}" for s in range(1, 901) if _kind(s) == "changed"]
    failed = [s for s in range(1, 901) if _kind(s) == "failed"]
    assert (summary.total, summary.unchanged, summary.changed, summary.failed) == (
        900,
        300,
        300,
        300,
    )
    assert list(summary.changed_ids) == changed[:LISTED_IDS]
    assert list(summary.failed_ids) == [f"d{s}" for s in failed[:LISTED_IDS]]
    kinds = Counter("AnswerError" if s % 2 else "ValidationError" for s in failed)
    assert summary.failures == dict(kinds.most_common())
    assert whole.processed == 900
    assert summary.by_goal == {"eligible": {"true → false": 300}}


def test_a_partition_lists_no_more_than_it_needs() -> None:
    tally = _partition(1, 1200)
    assert (len(tally.changed_ids), len(tally.failed_ids)) == (LISTED_IDS, LISTED_IDS)
    assert (tally.changed, tally.failed, tally.processed) == (400, 400, 1200)


def test_counts_kept_before_failures_were_counted_apart_read_back_the_same() -> None:
    failed_ids = {f"d{s}": "ValidationError: no" for s in range(150)}
    kept = {"total": 150, "unchanged": 0, "changed_ids": [], "failed_ids": failed_ids}
    tally = Tally.from_dict({**kept, "effects": {}})
    assert (tally.failed, tally.processed, len(tally.failed_ids)) == (150, 150, LISTED_IDS)
    assert tally.failures == {"ValidationError": 150}
    old = ReplaySummary.from_dict({**kept, "failed": 150})
    assert old.failures == {"ValidationError": 150}


def test_the_cli_says_when_a_summary_names_only_the_first_decisions() -> None:
    whole = Tally(900)
    whole.merge(_partition(1, 900))
    text = summary_text(whole.summary())
    first = ", ".join(f"d{s}" for s in range(1, 300, 3))
    assert f"changed (the first 100 of 300; --results FILE lists them all): {first}\n" in text
    assert (
        "failed with ValidationError: 150\nfailed with AnswerError: 150\n"
    )  # ties: as met in text
    assert "failed (the first 100 of 300; --results FILE lists them all):\nfailed d2: " in text
    few = Tally(3)
    few.merge(_partition(1, 3))
    assert "changed: d1\nfailed d2: ValidationError: no" in summary_text(few.summary())


def _priced(sequence: int) -> ReplayResult:
    """Decision `d<sequence>`, whose amount moves by a value of its own (hundreds distinct)."""
    moved = sequence % 3 == 0
    label = f"Amount {sequence % 7}"  # labels differ by decision (its language): the first wins
    before, after = f"{sequence}.00", f"{sequence + (sequence * 37) % 1009}.{sequence % 100:02d}"
    return _replayed(
        sequence,
        changes=(GoalChange("amount", label, before, after),) if moved else (),
        values={"amount": (before, after if moved else before)},
    )


def _merged(total: int, tallies: dict[int, Tally]) -> ReplaySummary:
    """Every partition merged in key order at once (what `InOrder` must equal)."""
    whole = Tally(total)
    for index in sorted(tallies):
        whole.merge(tallies[index])
    return whole.summary()


def test_progress_merged_as_partitions_complete_is_the_summary_merged_whole() -> None:
    parts = {}
    for index in range(12):  # 12 partitions of 250: ~1,000 distinct changes, coarsened
        parts[index] = Tally(250)
        for sequence in range(index * 250 + 1, index * 250 + 251):
            parts[index].add(_priced(sequence))
    done: dict[int, Tally] = {}
    in_order = InOrder(3000, done)
    for index in [2, 0, 1, 5, 3, 4, 11, 6, 7, 9, 8, 10]:  # completed out of order
        done[index] = parts[index]
        assert in_order.summary() == _merged(3000, done)
    summary = in_order.summary()
    assert summary.changed == 1000
    assert summary.labels == {"amount": "Amount 3"}  # decision 3's: the first changed
    assert summary.effects["differences"]["amount"]["step"] is not None  # coarsened
