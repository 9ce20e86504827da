"""`eligibility serve`: the HTTP API and, at `/`, the reference front end, under gunicorn."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--worker-class",
    default="gthread",
    show_default=True,
    type=click.Choice(["gthread", "sync"]),
    help="gthread: threads per worker, idle clients hold none; sync: one request per worker.",
)
@click.option(
    "--threads", default=8, show_default=True, type=click.IntRange(1, 256), help="per worker"
)
@click.option(
    "--read-timeout",
    default=15.0,
    show_default=True,
    type=click.FloatRange(0.1, 600),
    help="seconds a client has to send a whole request (gthread)",
)
def serve(
    host: str, port: int, workers: int, worker_class: str, threads: int, read_timeout: float
) -> None:
    """Run the API and the front end under gunicorn (DATABASE_URL, ELIGIBILITY_RULES, WEB_…).

    GUNICORN_CMD_ARGS (gunicorn's own options, e.g. "--threads 16 --keep-alive 5") is
    read too and wins over these options.
    """
    with metrics_directory():  # before prometheus_client is imported, so workers share it
        from api.server import serve as run_server  # lazy: the core never imports flask

        run_server(host, port, workers, worker_class, threads, read_timeout)


@contextlib.contextmanager
def metrics_directory() -> Iterator[None]:
    """PROMETHEUS_MULTIPROC_DIR for the workers' metrics: the operator's (emptied) or a new one.

    Every worker writes its samples there and /metrics adds them up; files left by an
    earlier run would be counted again, so they are removed first.
    """
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    folder = Path(given) if given else Path(tempfile.mkdtemp(prefix="eligibility-metrics-"))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    try:
        yield
    finally:
        if not given:
            shutil.rmtree(folder, ignore_errors=True)
