"""Each request's database work has a deadline (REQUEST_TIMEOUT_SECONDS), under the worker's."""

from __future__ import annotations

from contextlib import ExitStack

from flask import Flask, g

from eligibility.storage import deadline


def init_app(app: Flask, seconds: float) -> None:
    """Open the deadline before every request and close it after (0: no deadline)."""
    if seconds <= 0:
        return

    def start() -> None:
        stack = ExitStack()
        stack.enter_context(deadline(seconds))
        g.database_deadline = stack

    def end(_error: BaseException | None) -> None:
        stack: ExitStack | None = g.pop("database_deadline", None)
        if stack is not None:
            stack.close()

    app.before_request(start)
    app.teardown_request(end)
