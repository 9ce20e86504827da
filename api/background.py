"""Jobs that outlive their request: each runs in a thread of its own.

A job records its own failure (status `failed`, its error); the thread only logs it.
Threads are daemons, so a stopping server is never held up by one; a job cut off that
way is reported interrupted by its heartbeat (`eligibility.batch.heartbeat`).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("api.jobs")


def start_job(what: str, work: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run `work(*args, **kwargs)` in a thread named after `what` (a job's kind and id)."""
    call = functools.partial(work, *args, **kwargs)
    name = what.replace(" ", "-")
    threading.Thread(target=_logged, args=(what, call), name=name, daemon=True).start()


def _logged(what: str, call: Callable[[], Any]) -> None:
    try:
        call()
    except Exception:
        log.exception("%s failed", what)
