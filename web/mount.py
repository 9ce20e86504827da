"""Serve the front end at `/` beside the API: each request goes to one app, by its first segment."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def first_segments(app: Flask) -> frozenset[str]:
    """The first path segments of an app's routes (`/v1/…` → `v1`)."""
    return frozenset(rule.rule.lstrip("/").split("/", 1)[0] for rule in app.url_map.iter_rules())


def beside(api: Flask, front: Flask) -> WSGIApp:
    """One WSGI app: the API's paths (`/v1`, `/openapi.json`, `/docs`, …) to the API, the rest to
    the front end. The environ is passed on unchanged, so each app sees its own paths as they are.
    """
    owned = first_segments(api) - {""}
    clash = owned & (first_segments(front) - {""})
    if clash:
        raise ValueError(f"the front end's paths clash with the API's: {sorted(clash)}")

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        segment = str(environ.get("PATH_INFO", "")).lstrip("/").split("/", 1)[0]
        target = api if segment in owned else front
        return target(environ, start_response)

    return app
