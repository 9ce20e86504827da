"""Helpers of the API tests."""

from __future__ import annotations

import datetime as dt
from typing import Any


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
