"""`eligibility serve`: the API under gunicorn, one app (and one durable_rules host) per worker."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from api.config import Config
from eligibility import services
from eligibility.errors import StorageUnavailable
from eligibility.storage import open_storage

log = logging.getLogger("api.server")


class Server(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    """A gunicorn application that builds the Flask app in each worker (no preloading).

    Workers are processes with one thread each: durable_rules keeps global state per
    process, and a worker that builds its own app never shares it.
    """

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Hand the options to gunicorn."""
        for key, value in self.options.items():
            if key in self.cfg.settings:  # settings of newer gunicorns are skipped by older ones
                self.cfg.set(key, value)

    def load(self) -> Flask:
        """The app of one worker."""
        from api import create_app

        return create_app()


def sync_once() -> None:
    """Store the rule files' versions before forking, so workers start without racing."""
    settings = Config.from_env()
    store = open_storage(settings.database_url)
    try:
        services.sync_rule_files(store, [Path(p) for p in settings.rules])
    except StorageUnavailable:
        log.warning("storage unavailable; workers will sync the rule files when it is back")
    finally:
        store.close()


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 2) -> None:
    """Run the API on host:port with `workers` processes (blocks until stopped)."""
    sync_once()
    Server(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "sync",
            "timeout": 60,
            "graceful_timeout": 20,
            "accesslog": "-",
            "errorlog": "-",
            "preload_app": False,
            # One control socket per user and machine would be shared by every server started.
            "control_socket_disable": True,
        }
    ).run()
