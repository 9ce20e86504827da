"""Fixtures of the API tests: apps over the example rule sets, and helpers for problem+json."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api import create_app
from eligibility.storage import memory_storage
from eligibility.storage.migrate import upgrade
from eligibility.storage.sql import SqlStorage
from eligibility.storage.testing import BACKENDS, FUNCTIONAL_DEADLINES, temporary_database
from tests.api.api_helpers import FakeClock, keys_of

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
FIXTURES = ROOT / "tests" / "fixtures"
FISHING = str(FIXTURES / "fishing-licence")
EXAMPLES = [str(RULES / "snap"), str(RULES / "kurzarbeitergeld"), FISHING]
AppFactory = Callable[..., Flask]


@pytest.fixture
def make_app() -> AppFactory:
    """Build an app over the fishing-licence rule set (or other rules) with settings changed."""

    def build(**settings: Any) -> Flask:
        config: dict[str, Any] = {"RULES": [FISHING], "STORAGE": memory_storage(), "TESTING": True}
        config.update(settings)
        return create_app(config)

    return build


@pytest.fixture
def client(make_app: AppFactory) -> FlaskClient:
    """A client of an app over the fishing-licence rule set."""
    return make_app().test_client()


@pytest.fixture(scope="session")
def examples_app() -> Iterator[Flask]:
    """One app over SNAP, Kurzarbeitergeld and the fishing licence (read-only tests share it)."""
    yield create_app({"RULES": EXAMPLES, "STORAGE": memory_storage(), "TESTING": True})


@pytest.fixture
def examples(examples_app: Flask) -> FlaskClient:
    """A client of the examples app."""
    return examples_app.test_client()


@pytest.fixture
def clock() -> FakeClock:
    """The clock of the stored app's storage."""
    return FakeClock()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database: a temporary SQLite file or PostgreSQL schema (never skipped)."""
    with temporary_database(request.param, tmp_path) as url:
        upgrade(url)
        yield url


@pytest.fixture
def stored_app(database_url: str, clock: FakeClock) -> Iterator[Flask]:
    """An app over the fishing licence on a real database (SQLite and PostgreSQL)."""
    # These tests are about behaviour, not deadlines: a loaded machine must not turn a slow
    # statement into a 503 here. The 2 s deadline is tested through the proxy (test_api_db_faults).
    storage = SqlStorage(database_url, clock=clock, settings=FUNCTIONAL_DEADLINES)
    yield create_app({"RULES": [FISHING], "STORAGE": storage, "TESTING": True})
    storage.close()


@pytest.fixture
def api(stored_app: Flask) -> FlaskClient:
    """A client of the stored app."""
    return stored_app.test_client()


@pytest.fixture
def keys(stored_app: Flask) -> dict[str, dict[str, str]]:
    """An Authorization header for each role."""
    return keys_of(stored_app)
