"""The rule files a server serves: synced into storage at start and again whenever they change.

A file with a mistake is left out and named (file, line, column, the problem in the
author's words) in the log and on `/readyz`; every other version is served. The files
are watched: every RULES_WATCH_SECONDS a request looks at their names, sizes and times,
and if anything changed they are synced again, so a fixed file is served without a
restart (each worker does this on its own; storage is shared, so a version stored by
one is served by all).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eligibility import services
from eligibility.errors import Problem, StorageUnavailable
from eligibility.loader import version_files
from eligibility.ports import Storage

log = logging.getLogger("api.rules")
Fingerprint = tuple[tuple[str, int, int], ...]


def fingerprint(paths: Sequence[Path]) -> Fingerprint:
    """Names, sizes and modification times of the version files under `paths`."""
    found = []
    for file in version_files(paths):
        try:
            stat = file.stat()
        except OSError:  # gone, or not readable: the sync reports it
            found.append((str(file), -1, -1))
            continue
        found.append((str(file), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))


@dataclass
class RuleFiles:
    """The rule files of one app: when they were last synced, and what was wrong with them."""

    paths: tuple[Path, ...]
    watch_seconds: float = 2.0  # 0: synced once, never watched
    problems: tuple[Problem, ...] = ()
    synced: bool = False
    generation: int = 0  # how many syncs stored something (a version or its dating)
    _seen: Fingerprint | None = None
    _next_look: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def refresh(self, storage: Storage) -> None:
        """Sync the files if they were never synced, or changed since (looked at now and then).

        The first sync is waited for; later ones run in one request while others go on
        with what is stored. StorageUnavailable leaves them to be synced on a later call.
        """
        if self.synced and not self._time_to_look():
            return
        if not self._lock.acquire(blocking=not self.synced):
            return
        try:
            seen = fingerprint(self.paths)
            if not self.synced or seen != self._seen:
                self._sync(storage, seen)
        finally:
            self._lock.release()

    def _time_to_look(self) -> bool:
        if self.watch_seconds <= 0:
            return False
        now = time.monotonic()
        if now < self._next_look:
            return False
        self._next_look = now + self.watch_seconds
        return True

    def _sync(self, storage: Storage, seen: Fingerprint) -> None:
        try:
            report = services.sync_rule_files(storage, self.paths, skip_broken=True)
        except StorageUnavailable:
            if not self.synced:
                raise
            log.warning("rule files changed, but storage is unavailable: synced later")
            return
        before = self.problems
        self.problems, self._seen, self.synced = report.problems, seen, True
        if report.added or report.updated:
            self.generation += 1
        log.info(
            "rule files: %d stored, %d updated, %d unchanged, %d with problems",
            len(report.added),
            len(report.updated),
            len(report.unchanged),
            len({p.file for p in report.problems}),
        )
        report_problems(report.problems)
        if before and not report.problems:
            log.info("rule files: every problem is fixed; all versions are served")


def report_problems(problems: Sequence[Problem]) -> None:
    """Log each problem of the rule files on one line, as its author would read it."""
    for problem in problems:
        log.error("rule file not served until fixed: %s", problem)
