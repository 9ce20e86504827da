"""`eligibility serve`: the API under gunicorn, one app (and one durable_rules host) per worker.

Beside the workers, one process per server writes checkpoints and one runs the Dask
cluster that every worker's replay and batch jobs share.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from api.config import Config
from api.frontend import create_site, provision
from api.limits import SERVER_HEADER_FIELD, SERVER_REQUEST_LINE
from api.rule_files import report_problems
from api.workers import DEFAULT_READ_TIMEOUT, set_read_timeout
from eligibility import services
from eligibility.batch.cluster import SCHEDULER_ENV
from eligibility.batch.cluster_process import FOLDER_ENV, ClusterProcess
from eligibility.catalogue import set_apart_compiled
from eligibility.checkpoints import CheckpointSettings
from eligibility.errors import StorageUnavailable
from eligibility.storage import open_storage
from web import WebConfig
from web.mount import WSGIApp

log = logging.getLogger("api.server")


class Server(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    """A gunicorn application that builds the apps in each worker (no preloading).

    Workers are processes (durable_rules keeps global state per process, and a worker
    that builds its own app never shares it) with threads, so idle or slow clients do
    not stall them; durable_rules calls are serialised by its runtime's lock. Each worker
    serves the API and, at `/`, the reference front end with the settings worked out
    before forking. GUNICORN_CMD_ARGS overrides any option given here.
    """

    def __init__(self, options: dict[str, Any], web: WebConfig | None = None) -> None:
        self.options = options
        self.web = web
        super().__init__()

    def load_config(self) -> None:
        """Hand the options to gunicorn, then those of GUNICORN_CMD_ARGS (which win)."""
        for key, value in self.options.items():
            if key in self.cfg.settings:  # settings of newer gunicorns are skipped by older ones
                self.cfg.set(key, value)
        parsed = self.cfg.parser().parse_args(self.cfg.get_cmd_args_from_env())
        for key, value in vars(parsed).items():
            if value is not None and key != "args" and key.lower() in self.cfg.settings:
                self.cfg.set(key.lower(), value)

    def load(self) -> WSGIApp:
        """The app of one worker: the API, and the front end beside it."""
        return create_site(web=self.web)


def sync_once() -> None:
    """Store the rule files' versions before forking, so workers start without racing.

    A file with a mistake is named in the log (file, line, problem) and left out; the
    others are served, and the workers sync it once it is fixed (api.rule_files).
    """
    settings = Config.from_env()
    store = open_storage(settings.database_url)
    try:
        paths = [Path(p) for p in settings.rules]
        report_problems(services.sync_rule_files(store, paths, skip_broken=True).problems)
    except StorageUnavailable:
        log.warning("storage unavailable; workers will sync the rule files when it is back")
    finally:
        store.close()


def keep_checkpointing(database_url: str | None, settings: CheckpointSettings) -> None:
    """Write a signed checkpoint every interval until terminated (a process of its own)."""
    store = open_storage(database_url)
    services.keep_checkpointing(
        store, settings.open(), settings.interval_seconds, threading.Event()
    )


def checkpoint_hooks(settings: Config) -> dict[str, Any]:
    """gunicorn hooks that run the checkpoint writer beside the workers (when it is set up).

    It is a spawned process, one per server, started when the master is ready and
    stopped when it exits: workers come and go, the checkpoints go on.
    """
    wanted = settings.checkpoints
    if wanted.interval_seconds <= 0:
        return {}
    wanted.open()  # a missing or unreadable key stops the start, not the writer later
    process = multiprocessing.get_context("spawn").Process(
        target=keep_checkpointing,
        args=(settings.database_url, wanted),
        name="checkpoints",
        daemon=True,
    )

    def start(server: Any) -> None:
        process.start()

    def stop(server: Any) -> None:
        if process.is_alive():
            process.terminate()
            process.join(10)

    return {"when_ready": start, "on_exit": stop}


def cluster_hooks(
    settings: Config, *, workers: int | None = None, processes: bool = True
) -> dict[str, Any]:
    """gunicorn hooks that start one Dask cluster for the server and hand it to every worker.

    The cluster runs in a process of its own (`ClusterProcess`), spawned when the master
    is ready, before it forks the workers, which inherit where to find it; it starts the
    LocalCluster on the first job of any worker and stops when the master exits. Nothing
    is started when jobs run inline or DASK_SCHEDULER_ADDRESS names a cluster already.
    """
    if settings.jobs_cluster != "dask" or os.environ.get(SCHEDULER_ENV):
        return {}
    running: list[ClusterProcess] = []

    def start(server: Any) -> None:
        found = ClusterProcess.start(workers, processes=processes)
        running.append(found)
        os.environ[FOLDER_ENV] = str(found.folder)  # the workers forked next inherit it

    def stop(server: Any) -> None:
        while running:
            running.pop().stop()
        os.environ.pop(FOLDER_ENV, None)

    return {"when_ready": start, "on_exit": stop}


def together(*hooks: dict[str, Any]) -> dict[str, Any]:
    """gunicorn hooks of several helpers, each hook calling theirs in turn (stops in reverse)."""
    found: dict[str, list[Any]] = {}
    for group in hooks:
        for name, hook in group.items():
            found.setdefault(name, []).append(hook)

    def chained(name: str, calls: list[Any]) -> Any:
        ordered = calls[::-1] if name == "on_exit" else calls

        def call(server: Any) -> None:
            for hook in ordered:
                hook(server)

        return call

    return {name: chained(name, calls) for name, calls in found.items()}


def _worker_forked(server: Any, worker: Any) -> None:
    """A worker forgets the master's helper processes and sets its versions apart.

    gunicorn forks workers with os.fork, so each inherits multiprocessing's list of the
    master's children (checkpoints, the Dask cluster); at exit it would terminate and join
    them as its own ("can only join a child process"). multiprocessing clears that list in
    the children it forks itself; a gunicorn worker needs the same. A worker serves the
    versions it compiles for its life: they are kept out of the cycle collector's scans
    (`set_apart_compiled`).
    """
    setattr(multiprocessing.process, "_children", set())  # noqa: B010 (private to the stdlib)
    set_apart_compiled()


def _worker_exited(server: Any, worker: Any) -> None:
    """A worker's live metric files go with it (prometheus_client's multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


WORKER_CLASSES = {"gthread": "api.workers.TimedThreadWorker", "sync": "sync"}


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 2,
    worker_class: str = "gthread",
    threads: int = 8,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
) -> None:
    """Run the API and the front end on host:port with `workers` processes (until stopped).

    `gthread` (the default) serves `threads` requests at once per worker and drops a
    client that sends no whole request within `read_timeout` seconds; `sync` serves one
    request at a time per worker (an idle client holds a whole worker).
    """
    sync_once()
    web = provision(Config.from_env())
    set_read_timeout(read_timeout)
    settings = Config.from_env()
    Server(
        {
            **together(checkpoint_hooks(settings), cluster_hooks(settings)),
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": WORKER_CLASSES[worker_class],
            # gunicorn turns sync into gthread when threads > 1
            "threads": threads if worker_class == "gthread" else 1,
            "timeout": 60,
            "graceful_timeout": 20,
            # Above the API's own limits (api.limits), so the API answers them as problem+json.
            "limit_request_line": SERVER_REQUEST_LINE,
            "limit_request_field_size": SERVER_HEADER_FIELD,
            # One JSON line per request comes from the app (api.logs), with its request id.
            "accesslog": None,
            "errorlog": "-",
            "logger_class": "api.logs.JsonLogger",
            "post_fork": _worker_forked,
            "child_exit": _worker_exited,
            "preload_app": False,
            # One control socket per user and machine would be shared by every server started.
            "control_socket_disable": True,
        },
        web,
    ).run()
