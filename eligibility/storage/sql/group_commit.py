"""Group commit: the appends a process has waiting at one moment go in one transaction.

Each thread hands in its item and waits. A thread that finds nobody writing leads:
it takes every item waiting (at most `most`), writes them in one call, hands each
waiting thread its own outcome (a result, or the error that befell its item), and
wakes them. Items that arrive while a batch is written wait for the next batch, so
under load each transaction carries what piled up during the previous one, and
alone an item is written at once (a batch of one, no added delay). Order within a
batch is arrival order. Under load (the last batch carried more than one item) the
leader first lingers a moment (`linger` seconds, while the others keep computing)
so more of the appends on their way join its batch: fewer, larger transactions,
each commit (a WAL flush) shared by more decisions.

The leader writes in its own context (its request's deadline applies to the batch).
A process forked while no batch is written (gunicorn's workers) starts idle.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")
DEFAULT_MOST = 64


class _Waiting(Generic[T, R]):
    """One item handed in, and its outcome once written."""

    __slots__ = ("item", "done", "outcome")

    def __init__(self, item: T) -> None:
        self.item = item
        self.done = False
        self.outcome: R | BaseException | None = None

    def result(self) -> R:
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return cast(R, self.outcome)


class GroupCommit(Generic[T, R]):
    """Writes the items threads hand in, in batches (see the module)."""

    def __init__(
        self,
        write: Callable[[Sequence[T]], Sequence[R | BaseException]],
        most: int = DEFAULT_MOST,
        linger: float = 0.0,
    ) -> None:
        self._write = write
        self._most = most
        self._linger = linger
        self._last = 0  # the size of the last batch: more than 1 means load
        self._changed = threading.Condition()
        self._waiting: list[_Waiting[T, R]] = []
        self._writing = False
        self.batches = 0  # written so far (their sizes show in `largest` and `items`)
        self.items = 0
        self.largest = 0
        self.on_batch: Callable[[int], None] | None = None  # told each batch's size (metrics)

    def submit(self, item: T) -> R:
        """Write `item` with whatever else waits; its own result (or its own error)."""
        mine: _Waiting[T, R] = _Waiting(item)
        with self._changed:
            self._waiting.append(mine)
            while not mine.done:
                if self._writing:
                    self._changed.wait()
                else:
                    self._lead()
        return mine.result()

    def _lead(self) -> None:
        """Write one batch (called holding the condition; released while writing)."""
        self._writing = True
        if self._linger > 0 and self._last > 1 and len(self._waiting) < self._most:
            self._changed.wait(self._linger)  # arrivals meanwhile queue (we are writing)
        batch, self._waiting = self._waiting[: self._most], self._waiting[self._most :]
        self._changed.release()
        outcomes: Sequence[R | BaseException] = ()
        try:
            outcomes = _outcomes(self._write, [waiting.item for waiting in batch])
        except BaseException as error:  # the leader is stopped (exit): its batch fails with it
            outcomes = [error] * len(batch)
            raise
        finally:
            self._changed.acquire()
            self._writing = False
            for waiting, outcome in zip(batch, outcomes, strict=True):
                waiting.outcome, waiting.done = outcome, True
            self.batches, self.items = self.batches + 1, self.items + len(batch)
            self.largest = max(self.largest, len(batch))
            self._last = len(batch)
            self._changed.notify_all()
        if self.on_batch is not None:
            self.on_batch(len(batch))


def _outcomes(
    write: Callable[[Sequence[T]], Sequence[R | BaseException]], items: list[T]
) -> Sequence[R | BaseException]:
    """Each item's outcome; an error of the whole write is every item's."""
    try:
        outcomes = write(items)
    except Exception as error:  # the batch's transaction failed: nothing of it is stored
        return [error] * len(items)
    if len(outcomes) != len(items):
        miscounted = RuntimeError(f"{len(outcomes)} outcomes for {len(items)} items")
        return [miscounted] * len(items)
    return outcomes
