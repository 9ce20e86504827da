"""What runs around every request, in one hook each way: Flask spends ~1 µs calling each hook.

Before: the request id (first, so every later line carries it), the clock, the database
deadline, the guards against hostile input (api.limits, control characters), then the
rule files synced if they changed. After: metrics, then the access log line with the
request id header. Teardown: the deadline lifted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Request, Response, g, request
from werkzeug.exceptions import NotFound

from api import deadlines, logs, metrics
from api.errors import InvalidRequest
from api.limits import check_request
from api.state import AppState, state


def init_app(app: Flask, deadline_seconds: float) -> None:
    """Register the three hooks (the rule files are synced by `before` from then on).

    Each hook reads Flask's `request` and `g` proxies once and hands the objects on: a
    proxy costs a context lookup per use, and a request used them ~30 times.
    """

    def before() -> None:
        here, found = _current()
        logs.start(here, found.environ)
        here.started = time.perf_counter()
        deadlines.start(here, deadline_seconds)
        check_request(found)
        _reject_control_characters(found)
        failed = found.environ.get(FAILED)
        if failed is not None:  # api.fast_path met this error: answered as the view's
            raise failed
        if found.endpoint != "health.healthz":
            sync_rule_files()

    def after(response: Response) -> Response:
        here, found = _current()
        started = getattr(here, "started", None)
        rule = found.url_rule
        route = rule.rule if rule is not None else None
        method = found.method
        if started is None:  # a hook before ours failed: nothing to time
            return logs.finish(here, found, response, route, time.perf_counter())
        metrics.finish(response, route, method, rule.endpoint if rule else None, started)
        return logs.finish(here, found, response, route, started)

    def teardown(_error: BaseException | None) -> None:
        deadlines.end(g._get_current_object())

    app.before_request(before)
    app.after_request(after)
    app.teardown_request(teardown)
    app.extensions[HOOKS] = (before, after, teardown)  # api.fast_path does their work itself


def only_ours(app: Flask) -> Callable[[], bool]:
    """A check that the app's request hooks are still only those `init_app` added (Flask's
    dicts by blueprint, None for the app's own, compared as they are: no copies)."""
    before, after, teardown = app.extensions[HOOKS]
    ours: tuple[dict[str | None, list[Any]], ...] = (
        {None: [before]},
        {None: [after]},
        {None: [teardown]},
        {},
    )

    def check() -> bool:
        return (
            app.before_request_funcs == ours[0]
            and app.after_request_funcs == ours[1]
            and app.teardown_request_funcs == ours[2]
            and app.url_value_preprocessors == ours[3]
        )

    return check


HOOKS = "api.hooks"
# The error api.fast_path met answering a request, handed on in the request's environ.
FAILED = "api.fast_path.failed"


def _current() -> tuple[Any, Request]:
    """This request's `g` and `request` themselves, each proxy read once."""
    return g._get_current_object(), request._get_current_object()  # type: ignore[attr-defined]


def _unsafe(text: str) -> bool:
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in text)


def _reject_control_characters(found: Request) -> None:
    """Ids and query values never hold control characters (and databases refuse NUL)."""
    if any(isinstance(v, str) and _unsafe(v) for v in (found.view_args or {}).values()):
        raise NotFound("the path holds control characters")
    if not found.environ.get("QUERY_STRING"):  # no query, no arguments to look at
        return
    bad = sorted({k for k, v in found.args.items(multi=True) if _unsafe(k) or _unsafe(v)})
    if bad:
        message = "control characters are not allowed"
        raise InvalidRequest(
            message, errors={k.encode("unicode_escape").decode(): [message] for k in bad}
        )


def sync_rule_files(app: AppState | None = None) -> None:
    """Store the rule files' versions (retried while storage is down), again when they change.

    `app` is the app's state (api.fast_path hands it on); the current app's by default.
    """
    app = state() if app is None else app
    before = app.rule_files.generation
    app.rule_files.refresh(app.storage)
    if app.rule_files.generation != before:
        app.catalogue.forget()  # a version (a correction, say) came in: chosen again by date
