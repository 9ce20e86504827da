"""Garbage to every endpoint, with every role: never a 5xx, every error is problem+json."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

# The jobs garbage may start (a verification of a stored chain) run on it, not on a
# LocalCluster of worker processes the first of them would start and nobody would close.
pytestmark = pytest.mark.usefixtures("dask_cluster")

BODIES: list[tuple[bytes, str | None]] = [
    (b"", None),
    (b"\x00\xff\xfe garbage", "application/json"),
    (
        b'{"ruleset": {"$ne": 1}, "answers": [1, {"a": null}], "as_of": 20240101}',
        "application/json",
    ),
    (b"[" * 2000 + b"]" * 2000, "application/json"),
    (b'{"a": 1e400, "b": -1e-400}', "application/json"),
    (b"ruleset: [\n  - *nothing", "application/yaml"),
    (b"<xml/>", "application/xml"),
    ("ünïcödé ☃ \u202e".encode(), "text/plain"),
]
PATH_VALUES = ["fishing-licence", "2024-01-01", "..%2F..%2Fetc", "%00", "x" * 300, "☃"]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def _targets(app: Flask) -> list[tuple[str, str, tuple[str, ...]]]:
    """(url, method, roles) for every route, with garbage in its path parameters."""
    targets = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        roles = getattr(app.view_functions[rule.endpoint], "roles", ())
        for value in PATH_VALUES if rule.arguments else [""]:
            url = rule.rule
            for argument in rule.arguments:
                url = url.replace(f"<{argument}>", value)
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                targets.append((url, method, roles))
    return targets


def _check(response: Any) -> None:
    text = response.get_data(as_text=True)
    assert response.status_code < 500, text
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json", text
        assert "Traceback" not in text and 'File "' not in text


def test_garbage_never_breaks_the_api(api: FlaskClient, stored_app: Flask, keys: Any) -> None:
    noise = {"If-Match": "garbage", "Accept-Language": "\x00;q=x", "Idempotency-Key": "\t"}
    for url, method, roles in _targets(stored_app):
        headers = {**noise, **(keys[roles[0]] if roles else {})}
        for data, content_type in BODIES:
            _check(
                api.open(url, method=method, data=data, content_type=content_type, headers=headers)
            )
        for query in ("?locale=%ff%fe", "?trace=maybe", "?limit=-1&cursor=%00", "?format=exe"):
            _check(api.open(url + query, method=method, headers=headers))
        for other in METHODS:  # anonymous, and methods the route does not have
            _check(api.open(url, method=other, data=b"{}", content_type="application/json"))
