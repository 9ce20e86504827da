"""Group commit: items waiting at once are written together, each gets its own outcome."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from eligibility.storage.sql.group_commit import GroupCommit


class Log:
    """A writer that holds the first batch until told, so the others pile up behind it."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.first_started = threading.Event()
        self.release = threading.Event()

    def write(self, items: Sequence[int]) -> list[int | BaseException]:
        if not self.batches:
            self.first_started.set()
            self.release.wait(5)
        self.batches.append(list(items))
        return [ValueError(f"odd {i}") if i % 2 else i * 10 for i in items]


def _submit_all(group: GroupCommit[int, int], items: list[int]) -> dict[int, object]:
    outcomes: dict[int, object] = {}

    def one(item: int) -> None:
        try:
            outcomes[item] = group.submit(item)
        except ValueError as error:
            outcomes[item] = str(error)

    threads = [threading.Thread(target=one, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return outcomes


def test_items_waiting_behind_a_batch_go_in_the_next_one_with_their_own_outcomes() -> None:
    log = Log()
    group: GroupCommit[int, int] = GroupCommit(log.write)
    first = threading.Thread(target=group.submit, args=(0,))
    first.start()
    assert log.first_started.wait(5)
    results: dict[int, object] = {}
    waiting = threading.Thread(target=lambda: results.update(_submit_all(group, [1, 2, 3, 4])))
    waiting.start()
    while len(group._waiting) < 4:  # every later item queued behind the held batch
        threading.Event().wait(0.01)
    log.release.set()
    first.join(5)
    waiting.join(10)
    assert log.batches[0] == [0] and sorted(log.batches[1]) == [1, 2, 3, 4]
    assert results == {1: "odd 1", 2: 20, 3: "odd 3", 4: 40}
    assert (group.batches, group.items, group.largest) == (2, 5, 4)


def test_a_failed_write_is_every_items_error_and_the_next_write_goes_on() -> None:
    calls: list[Sequence[int]] = []

    def write(items: Sequence[int]) -> list[int | BaseException]:
        calls.append(items)
        if len(calls) == 1:
            raise ConnectionError("the database went away")
        return list(items)

    group: GroupCommit[int, int] = GroupCommit(write)
    with pytest.raises(ConnectionError):
        group.submit(1)
    assert group.submit(2) == 2


def test_batches_are_bounded() -> None:
    log = Log()
    log.release.set()
    group: GroupCommit[int, int] = GroupCommit(log.write, most=2)
    _submit_all(group, [2, 4, 6, 8, 10, 12])
    assert max(len(batch) for batch in log.batches) <= 2
    assert sorted(i for batch in log.batches for i in batch) == [2, 4, 6, 8, 10, 12]


def test_under_load_the_leader_lingers_so_items_on_their_way_join_its_batch() -> None:
    """After a shared batch, an item arriving within `linger` joins the next leader's batch."""
    log = Log()
    group: GroupCommit[int, int] = GroupCommit(log.write, linger=0.5)
    first = threading.Thread(target=group.submit, args=(0,))
    first.start()
    assert log.first_started.wait(5)
    behind = threading.Thread(target=_submit_all, args=(group, [2, 4]))
    behind.start()
    while len(group._waiting) < 2:  # a shared batch next: the process is under load
        threading.Event().wait(0.01)
    log.release.set()
    behind.join(10)
    lingering = threading.Thread(target=group.submit, args=(6,))
    lingering.start()
    while not group._writing:  # its leader waits for company
        threading.Event().wait(0.01)
    late = threading.Thread(target=group.submit, args=(8,))
    late.start()
    for thread in (first, lingering, late):
        thread.join(10)
    assert log.batches == [[0], [2, 4], [6, 8]]


def test_alone_an_item_is_written_at_once_even_with_a_linger() -> None:
    log = Log()
    log.release.set()
    group: GroupCommit[int, int] = GroupCommit(log.write, linger=30.0)
    assert [group.submit(2), group.submit(4)] == [20, 40]  # no 30 s wait: never under load
    assert log.batches == [[2], [4]]
