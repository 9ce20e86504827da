"""Effective windows: which published version covers a date, and no two published overlap.

A correction (`supersedes`) shares the window of the version it corrects: the two do not
overlap in the sense refused here, and from the correction's publication on it governs
that window instead (`covering`, with `known_at` the moment the answer is given for).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Protocol, TypeVar

from eligibility.errors import Problem, RuleSetError


class Window(Protocol):
    """A version's window, status and correction link: a RuleSet or a StoredVersion."""

    @property
    def version(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def effective_from(self) -> dt.date: ...

    @property
    def effective_to(self) -> dt.date | None: ...

    @property
    def supersedes(self) -> str | None: ...

    @property
    def published_at(self) -> dt.datetime | None: ...


W = TypeVar("W", bound=Window)


def covers(window: Window, day: dt.date) -> bool:
    """True when `day` lies in the window."""
    return window.effective_from <= day and (
        window.effective_to is None or day <= window.effective_to
    )


def in_force(window: Window, known_at: dt.datetime | None) -> bool:
    """True when a published version was published by `known_at` (None: now, so always)."""
    published = window.published_at
    return known_at is None or published is None or published <= known_at


def covering(
    windows: Iterable[W], day: dt.date, known_at: dt.datetime | None = None
) -> W | None:
    """The published version governing `day` as known at `known_at` (default now).

    Among the published versions whose window contains `day`, a correction published
    by `known_at` replaces the version it supersedes; then the latest start wins.
    """
    found = [
        w for w in windows if w.status == "published" and covers(w, day) and in_force(w, known_at)
    ]
    superseded = {w.supersedes for w in found if w.supersedes is not None}
    found = [w for w in found if w.version not in superseded]
    return max(found, key=lambda w: (w.effective_from, w.version), default=None)


def overlaps(a: Window, b: Window) -> bool:
    """True when two windows share at least one day."""
    far = dt.date.max
    return a.effective_from <= (b.effective_to or far) and b.effective_from <= (
        a.effective_to or far
    )


def lineage(window: Window, by_version: Mapping[str, Window]) -> list[str]:
    """The version and those it supersedes, newest first (a correction of a correction…)."""
    found = [window.version]
    current: Window | None = window
    while current is not None and current.supersedes and current.supersedes not in found:
        found.append(current.supersedes)
        current = by_version.get(current.supersedes)
    return found


def related(a: Window, b: Window, by_version: Mapping[str, Window]) -> bool:
    """True when one of the two corrects the other (directly or through corrections)."""
    return b.version in lineage(a, by_version) or a.version in lineage(b, by_version)


def refuse_overlap(window: Window, others: Iterable[Window], where: str | None) -> None:
    """RuleSetError if `window`, once published, would overlap another published version.

    A correction and the versions it supersedes share one window by design.
    """
    others = list(others)
    by_version: dict[str, Window] = {o.version: o for o in others}
    by_version.setdefault(window.version, window)
    for other in others:
        if other.version != window.version and other.status == "published":
            if overlaps(window, other) and not related(window, other, by_version):
                message = f"the effective window overlaps published version '{other.version}'"
                raise RuleSetError([Problem(message, "effective_from", where)])
