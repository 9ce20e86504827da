"""Each request's database work has a deadline (REQUEST_TIMEOUT_SECONDS), under the worker's."""

from __future__ import annotations

from typing import Any

from eligibility.storage import request_deadlines


def start(here: Any, seconds: float) -> None:
    """Open this request's deadline in its `g` (api.hooks calls it before the request; 0: none)."""
    if seconds > 0:
        begin, _ = request_deadlines()
        here.database_deadline = begin(seconds)


def end(here: Any) -> None:
    """Lift the deadline `start` opened (api.hooks calls it when the request is torn down)."""
    token = here.pop("database_deadline", None)
    if token is not None:
        _, finish = request_deadlines()
        finish(token)
