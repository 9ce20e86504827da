"""Prometheus metrics at /metrics (prometheus_client).

Requests by route template, method and status, latency histograms by route,
evaluations by rule set and version, decisions recorded, database errors, the last
audit verification; the chain length and open sessions are read from storage when
scraped. Under gunicorn (`eligibility serve`) every worker writes its samples to
PROMETHEUS_MULTIPROC_DIR and /metrics adds them up, so one scrape sees the server.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Flask, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from api.state import state
from eligibility.compiler import CompiledRuleSet
from eligibility.errors import StorageUnavailable
from eligibility.ports import Storage

log = logging.getLogger("api.metrics")
bp = Blueprint("metrics", __name__)
MULTIPROCESS = "PROMETHEUS_MULTIPROC_DIR"
# Endpoints whose 201 records a decision.
RECORDING = frozenset({"decisions.create_decision", "sessions.submit"})

REQUESTS = Counter(
    "eligibility_http_requests",
    "HTTP requests answered, by route template, method and status.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "eligibility_http_request_duration_seconds",
    "Time to answer a request, by route template and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
EVALUATIONS = Counter(
    "eligibility_evaluations",
    "Evaluations (stateless, sessions, decisions, replays), by rule set and version.",
    ["ruleset", "version"],
)
DECISIONS = Counter("eligibility_decisions_recorded", "Decisions recorded in the audit chain.")
APPEND_BATCHES = Histogram(
    "eligibility_decision_batch_size",
    "Decisions written per append transaction (a worker's group commit).",
    buckets=(1, 2, 4, 8, 16, 32, 64),
)
DATABASE_ERRORS = Counter(
    "eligibility_database_errors", "Requests that failed because the database was unreachable."
)
VERIFIED_AT = Gauge(
    "eligibility_chain_last_verification_timestamp_seconds",
    "When the audit chain was last verified through the API (Unix time).",
    multiprocess_mode="max",
)
VERIFIED_OK = Gauge(
    "eligibility_chain_last_verification_ok",
    "1 if the last verification found the chain intact, else 0.",
    multiprocess_mode="mostrecent",
)


# Label children by their labels, kept here: prometheus_client's labels() costs a lock and
# a few checks per call. Routes are templates and versions few, so there are as many as it
# would keep.
_COUNTED: dict[tuple[str, str, int], Any] = {}
_TIMED: dict[tuple[str, str], Any] = {}
_EVALUATED: dict[tuple[str, str], Any] = {}


def evaluated(compiled: CompiledRuleSet) -> None:
    """Count one evaluation under a version (the Evaluator's hook)."""
    key = (compiled.ruleset.id, compiled.ruleset.version)
    counted = _EVALUATED.get(key)
    if counted is None:  # labels() takes a lock and checks its labels on every call
        counted = _EVALUATED[key] = EVALUATIONS.labels(*key)
    counted.inc()


def database_error() -> None:
    """Count one request that found the database unreachable."""
    DATABASE_ERRORS.inc()


def verified(ok: bool) -> None:
    """Note the outcome of an audit verification."""
    VERIFIED_AT.set(time.time())
    VERIFIED_OK.set(1 if ok else 0)


def watch_appends(storage: Storage) -> None:
    """Observe the size of each append transaction of SQL storage (its group commit)."""
    appends = getattr(getattr(storage, "decisions", None), "appends", None)
    if appends is not None and hasattr(appends, "on_batch"):
        appends.on_batch = APPEND_BATCHES.observe


class StorageCollector(Collector):
    """The chain length and open sessions, read from storage when scraped."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Both gauges, or neither when the database cannot be read."""
        try:
            length = self.storage.decisions.head().sequence
            sessions = self.storage.sessions.count_open()
        except StorageUnavailable:
            database_error()
            return
        yield GaugeMetricFamily(
            "eligibility_chain_length", "Decisions in the audit chain.", value=length
        )
        yield GaugeMetricFamily(
            "eligibility_sessions_open", "Interview sessions without a decision.", value=sessions
        )


_OWN = (
    REQUESTS,
    LATENCY,
    EVALUATIONS,
    DECISIONS,
    APPEND_BATCHES,
    DATABASE_ERRORS,
    VERIFIED_AT,
    VERIFIED_OK,
)


def _registry() -> CollectorRegistry:
    """Every worker's samples (multiprocess mode) or this process's, and the storage gauges."""
    registry = CollectorRegistry()
    if os.environ.get(MULTIPROCESS):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        for collector in _OWN:
            registry.register(collector)
    registry.register(StorageCollector(state().storage))
    return registry


@bp.get("/metrics")
def metrics() -> Response:
    """The metrics in Prometheus' text format (no key: expose it only to the scraper)."""
    return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)


def finish(
    response: Response, route: str | None, method: str, endpoint: str | None, started: float
) -> None:
    """Count and time the request (api.hooks, after the response; /metrics itself is not)."""
    count(response.status_code, route, method, endpoint, started)


def count(
    status: int, route: str | None, method: str, endpoint: str | None, started: float
) -> None:
    """Count and time a request answered with `status` (`finish`, and api.fast_path)."""
    if endpoint == "metrics.metrics":
        return
    route = route if route is not None else "(unmatched)"
    counted = _COUNTED.get((route, method, status))
    if counted is None:
        counted = _COUNTED[route, method, status] = REQUESTS.labels(route, method, str(status))
    counted.inc()
    timed = _TIMED.get((route, method))
    if timed is None:
        timed = _TIMED[route, method] = LATENCY.labels(route, method)
    timed.observe(time.perf_counter() - started)
    if endpoint in RECORDING and status == 201:
        DECISIONS.inc()


def init_app(app: Flask) -> None:
    """Serve /metrics (api.hooks counts and times every request)."""
    app.register_blueprint(bp)
