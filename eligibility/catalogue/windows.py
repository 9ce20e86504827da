"""Effective windows: which published version covers a date, and no two published overlap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol, TypeVar

from eligibility.errors import Problem, RuleSetError


class Window(Protocol):
    """A version's window and status: a RuleSet or a StoredVersion."""

    @property
    def version(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def effective_from(self) -> dt.date: ...

    @property
    def effective_to(self) -> dt.date | None: ...


W = TypeVar("W", bound=Window)


def covers(window: Window, day: dt.date) -> bool:
    """True when `day` lies in the window."""
    return window.effective_from <= day and (
        window.effective_to is None or day <= window.effective_to
    )


def covering(windows: Iterable[W], day: dt.date) -> W | None:
    """The published version whose window contains `day` (the latest start wins)."""
    found = [w for w in windows if w.status == "published" and covers(w, day)]
    return max(found, key=lambda w: (w.effective_from, w.version), default=None)


def overlaps(a: Window, b: Window) -> bool:
    """True when two windows share at least one day."""
    far = dt.date.max
    return a.effective_from <= (b.effective_to or far) and b.effective_from <= (
        a.effective_to or far
    )


def refuse_overlap(window: Window, others: Iterable[Window], where: str | None) -> None:
    """RuleSetError if `window`, once published, would overlap another published version."""
    for other in others:
        if other.version != window.version and other.status == "published":
            if overlaps(window, other):
                message = f"the effective window overlaps published version '{other.version}'"
                raise RuleSetError([Problem(message, "effective_from", where)])
