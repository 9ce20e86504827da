"""Fixtures of the front end's tests: the API over the example rule sets, the front end beside it.

The front end reaches the API through httpx's WSGITransport, as under `eligibility serve`; the
tests drive the front end with Flask's test client (no browser; the browser tests are in e2e).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api import create_app
from eligibility import services
from eligibility.storage.memory import MemoryStorage
from tests.api.api_helpers import FakeClock
from web import create_app as create_web

ROOT = Path(__file__).resolve().parents[2]
RULES = [str(ROOT / "rules" / "snap"), str(ROOT / "rules" / "kurzarbeitergeld")]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Stack:
    """The API app, its storage and clock, and the client key the front end uses."""

    def __init__(self, rules: list[str] = RULES) -> None:
        self.clock = FakeClock()
        self.storage = MemoryStorage(clock=self.clock)
        self.api = create_app({"RULES": rules, "STORAGE": self.storage, "TESTING": True})
        self.key, _ = services.create_key(self.storage, "client", "web tests")

    def front(self, **settings: Any) -> Flask:
        """A front end over this API (in-process)."""
        config = {"api_key": self.key, "secret_key": "test-secret-" + "x" * 20, **settings}
        app = create_web(config, api=self.api)
        app.testing = True
        return app


@pytest.fixture(scope="session")
def stack() -> Stack:
    """One API over SNAP and Kurzarbeitergeld for all the front end's tests."""
    return Stack()


@pytest.fixture
def front(stack: Stack) -> Flask:
    """A front end over the shared API."""
    return stack.front()


@pytest.fixture
def browser(front: Flask) -> Iterator[FlaskClient]:
    """A test client of the front end (its own cookies)."""
    with front.test_client() as client:
        yield client


Post = Callable[..., Any]


def csrf_of(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on a page."""
    found = CSRF.search(client.get(path).get_data(as_text=True))
    assert found, path
    return found.group(1)


def start(client: FlaskClient, ruleset: str = "snap", day: str = "2020-01-15") -> str:
    """Start an interview by the date page; the URL of the first question."""
    token = csrf_of(client, f"/start/{ruleset}")
    year, month, date = day.split("-")
    response = client.post(
        f"/start/{ruleset}",
        data={"csrf_token": token, "answer-day": date, "answer-month": month, "answer-year": year},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    following = client.get(response.headers["Location"])
    assert following.status_code == 303
    location: str = following.headers["Location"]
    return location


def answer(client: FlaskClient, path: str, **fields: str) -> Any:
    """Post a question page's form (with its CSRF token)."""
    token = csrf_of(client, path)
    return client.post(path, data={"csrf_token": token, **fields})


def text_of(response: Any) -> str:
    """A page's visible text, roughly (tags dropped, spaces squeezed)."""
    return text_of_html(response.get_data(as_text=True))


def text_of_html(html: str) -> str:
    """The text of some HTML, roughly (tags dropped, spaces squeezed)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
