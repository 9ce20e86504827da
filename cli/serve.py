"""`eligibility serve`: the HTTP API and, at `/`, the reference front end, under gunicorn."""

from __future__ import annotations

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, workers: int) -> None:
    """Run the API and the front end under gunicorn (DATABASE_URL, ELIGIBILITY_RULES, WEB_…)."""
    from api.server import serve as run_server  # lazy: the core never imports flask

    run_server(host, port, workers)
