"""Helpers of the API tests."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from eligibility import services
from eligibility.records import ROLES


def assert_problem(response: Any, status: int, slug: str | None = None) -> dict[str, Any]:
    """The problem+json body of an error response, checked."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json(force=True)
    assert body["status"] == status
    assert body["title"]
    if slug is not None:
        assert body["type"].endswith("/problems/" + slug), body["type"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body


class FakeClock:
    """A clock the tests move forward (session expiry, decision times)."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def keys_of(app: Flask) -> dict[str, dict[str, str]]:
    """An Authorization header for each role, its key named "test <role>"."""
    store = app.extensions["eligibility"].storage
    found = {}
    for role in ROLES:
        token, _ = services.create_key(store, role, f"test {role}")
        found[role] = {"Authorization": f"Bearer {token}"}
    return found


def finished(api: FlaskClient, url: str, headers: dict[str, str]) -> dict[str, Any]:
    """A job as read once it finished (it runs in the server's background), or after 60 s."""
    deadline = time.monotonic() + 60
    body: dict[str, Any] = api.get(url, headers=headers).get_json()
    while body["status"] in ("pending", "running") and time.monotonic() < deadline:
        time.sleep(0.05)
        body = api.get(url, headers=headers).get_json()
    return body
