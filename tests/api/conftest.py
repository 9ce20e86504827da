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
