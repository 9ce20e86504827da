"""A running job's sign of life, and a job whose process stopped giving it: interrupted.

A job runs in a thread of the server process that started it (or of the CLI). When
that process stops — a deploy, a crash, a killed worker — nothing marks the job as
ended, and it would read `running` for ever. So while it runs, a thread beats every
HEARTBEAT_SECONDS (a time written where every process reads it), and a reader that
finds a pending or running job silent for STALE_SECONDS reports it failed, with
`interrupted`'s error (written once, conditionally, so a live job is never overwritten).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

log = logging.getLogger("eligibility.jobs")

Moment = TypeVar("Moment", dt.datetime, str)

HEARTBEAT_SECONDS = 5.0
STALE_SECONDS = 60.0  # twelve beats missed: the process is gone, not busy
START_AGAIN = "start it again"  # what an interrupted job's error advises
RESUME = "resume it to run the partitions not yet done"  # ... where the job can resume


@contextmanager
def beating(beat: Callable[[], object], every: float | None = None) -> Iterator[None]:
    """`beat()` now and every `every` seconds (HEARTBEAT_SECONDS), in a thread, during the body."""
    stopped = threading.Event()
    interval = HEARTBEAT_SECONDS if every is None else every

    def run() -> None:
        while True:
            try:
                beat()
            except Exception:  # a database away for a moment: the next beat may get through
                log.warning("a job's heartbeat was not written", exc_info=True)
            if stopped.wait(interval):
                return

    thread = threading.Thread(target=run, name="job-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stopped.set()
        thread.join()


def last_sign(heartbeat: Moment | None, started: Moment | None, created: Moment) -> Moment:
    """When a job was last heard of: its last beat, else its start, else its creation."""
    return heartbeat or started or created


def silent(last_sign: dt.datetime, now: dt.datetime) -> bool:
    """Whether a job last heard of at `last_sign` has been silent too long to be alive."""
    return (now - last_sign).total_seconds() > STALE_SECONDS


def interrupted(last_sign: dt.datetime, then: str = START_AGAIN) -> str:
    """The error of a job whose process stopped (last heard of at `last_sign`), and what next."""
    return (
        "interrupted: the process running this job stopped (last sign of life "
        f"{last_sign.isoformat(timespec='seconds')}); {then}"
    )
