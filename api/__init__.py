"""The HTTP API: a thin Flask layer over the eligibility core (`create_app` builds it).

Nothing happens at import time; `create_app` reads the settings, loads and compiles the
rule files, syncs them into storage (api.rule_files) and registers one blueprint per resource.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from api import errors, fast_path, hooks, metrics
from api.config import Config
from api.jsonio import ExactJSONProvider
from api.rule_files import RuleFiles
from api.state import EXTENSION, AppState
from api.throttle import FailedAuthLimiter
from eligibility.catalogue import Catalogue, StoredSource
from eligibility.errors import StorageUnavailable
from eligibility.ports import Storage
from eligibility.services import Evaluator

log = logging.getLogger("api")
EXPOSED_HEADERS = ["ETag", "Location", "Content-Language", "Retry-After", "X-Request-Id"]
ALLOWED_HEADERS = [
    "Authorization",
    "Content-Type",
    "If-Match",
    "Idempotency-Key",
    "Accept-Language",
    "X-Request-Id",
]


def create_app(config: Mapping[str, Any] | Config | None = None) -> Flask:
    """Build the app; `config` overrides the environment (`RULES`, `STORAGE`, `ANONYMOUS_ACCESS`…).

    `STORAGE` may be a ready `Storage` (tests pass in-memory or per-test databases); without
    it the storage at DATABASE_URL is opened (SQLite under instance/ by default). The rule
    files are validated and synced into storage now, and again whenever they change (a
    file with a mistake, or a published one changed, is left out, logged and shown on
    /readyz; the others are served); if the database is down, once it is back.
    """
    settings = config if isinstance(config, Config) else Config.from_env().updated(config or {})
    app = Flask(__name__)
    app.json = ExactJSONProvider(app)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_content_length,
        PROBLEM_BASE=settings.problem_base,
        TESTING=settings.testing,
    )
    errors.init_app(app)
    hooks.init_app(app, settings.request_timeout_seconds)
    metrics.init_app(app)
    storage = _storage(settings)
    metrics.watch_appends(storage)
    catalogue = Catalogue(StoredSource(storage), settings.version_cache_seconds)
    evaluator = Evaluator(catalogue, settings.engine, on_evaluated=metrics.evaluated)
    rule_files = RuleFiles(tuple(Path(p) for p in settings.rules), settings.rules_watch_seconds)
    app.extensions[EXTENSION] = AppState(
        settings,
        evaluator,
        storage,
        rule_files,
        checkpoints=settings.checkpoints.open(),
        auth_limiter=FailedAuthLimiter(
            settings.auth_failure_limit, settings.auth_failure_window_seconds
        ),
    )
    _cors(app, settings)
    _blueprints(app)
    fast_path.install(app)
    with app.app_context():
        try:
            hooks.sync_rule_files()
        except StorageUnavailable:
            log.warning("storage unavailable at start-up; the rule files will be synced later")
    return app


def _storage(settings: Config) -> Storage:
    given: Storage | None = settings.extra.get("STORAGE")
    if given is not None:
        return given
    from eligibility.storage import open_storage

    return open_storage(settings.database_url)


def _cors(app: Flask, settings: Config) -> None:
    if not settings.cors_origins:
        return
    from flask_cors import CORS

    CORS(
        app,
        origins=list(settings.cors_origins),
        expose_headers=EXPOSED_HEADERS,
        allow_headers=ALLOWED_HEADERS,
        max_age=600,
    )


def _blueprints(app: Flask) -> None:
    from api import (
        audit,
        authoring,
        batches,
        changes,
        corrections,
        decisions,
        docs_page,
        evaluations,
        health,
        openapi,
        replays,
        rulesets,
        sessions,
        verifications,
    )

    modules = (
        health,
        rulesets,
        authoring,
        changes,
        evaluations,
        sessions,
        decisions,
        audit,
        verifications,
        replays,
        batches,
        corrections,
    )
    for module in (*modules, openapi, docs_page):
        app.register_blueprint(module.bp)


__all__ = ["Config", "create_app"]
