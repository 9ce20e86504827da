"""What runs around every request, in one hook each way: Flask spends ~1 µs calling each hook.

Before: the request id (first, so every later line carries it), the clock, the database
deadline, the guards against hostile input (api.limits, control characters), then the
rule files synced if they changed. After: metrics, then the access log line with the
request id header. Teardown: the deadline lifted.
"""

from __future__ import annotations

import time

from flask import Flask, Response, g, request
from werkzeug.exceptions import NotFound

from api import deadlines, logs, metrics
from api.errors import InvalidRequest
from api.limits import check_request
from api.state import state


def init_app(app: Flask, deadline_seconds: float) -> None:
    """Register the three hooks (the rule files are synced by `before` from then on)."""

    def before() -> None:
        logs.start()
        g.started = time.perf_counter()
        deadlines.start(deadline_seconds)
        check_request()
        _reject_control_characters()
        if request.endpoint != "health.healthz":
            sync_rule_files()

    def after(response: Response) -> Response:
        started = g.get("started")
        rule = request.url_rule
        route = rule.rule if rule is not None else None
        method = request.method
        if started is None:  # a hook before ours failed: nothing to time
            return logs.finish(response, route, method, time.perf_counter())
        metrics.finish(response, route, method, rule.endpoint if rule else None, started)
        return logs.finish(response, route, method, started)

    def teardown(_error: BaseException | None) -> None:
        deadlines.end()

    app.before_request(before)
    app.after_request(after)
    app.teardown_request(teardown)


def _unsafe(text: str) -> bool:
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in text)


def _reject_control_characters() -> None:
    """Ids and query values never hold control characters (and databases refuse NUL)."""
    if any(isinstance(v, str) and _unsafe(v) for v in (request.view_args or {}).values()):
        raise NotFound("the path holds control characters")
    if not request.environ.get("QUERY_STRING"):  # no query, no arguments to look at
        return
    bad = sorted({k for k, v in request.args.items(multi=True) if _unsafe(k) or _unsafe(v)})
    if bad:
        message = "control characters are not allowed"
        raise InvalidRequest(
            message, errors={k.encode("unicode_escape").decode(): [message] for k in bad}
        )


def sync_rule_files() -> None:
    """Store the rule files' versions (retried while storage is down), again when they change."""
    app = state()
    before = app.rule_files.generation
    app.rule_files.refresh(app.storage)
    if app.rule_files.generation != before:
        app.catalogue.forget()  # a version (a correction, say) came in: chosen again by date
