"""Decisions about several people on SQLite and PostgreSQL: recorded with each instance's
goals, replayed identical, exported, and the chain verified."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api import create_app
from eligibility import services
from eligibility.records import ROLES
from eligibility.storage.sql import SqlStorage
from tests.api.api_helpers import FakeClock
from tests.api.conftest import FIXTURES

FAMILY = {
    "ruleset": "family-allowance",
    "answers": {
        "resident": True,
        "children_complete": True,
        "children": [
            {"id": "c1", "name": "Anna", "age": 7},
            {"id": "c2", "name": "Ben", "age": 30},
        ],
    },
}


@pytest.fixture
def app(database_url: str, clock: FakeClock) -> Iterator[Flask]:
    storage = SqlStorage(database_url, clock=clock)
    yield create_app(
        {"RULES": [str(FIXTURES / "family-allowance")], "STORAGE": storage, "TESTING": True}
    )
    storage.close()


@pytest.fixture
def keys(app: Flask) -> dict[str, dict[str, str]]:
    store = app.extensions["eligibility"].storage
    return {
        role: {"Authorization": f"Bearer {services.create_key(store, role, role)[0]}"}
        for role in ROLES
    }


def test_a_decision_records_each_instance_and_replays_identical(
    app: Flask, keys: dict[str, Any]
) -> None:
    api: FlaskClient = app.test_client()
    response = api.post("/v1/decisions", json=FAMILY, headers=keys["client"])
    assert response.status_code == 201, response.get_json()
    decision = response.get_json()
    assert decision["goals"]["total"]["value"] == "250.00"
    assert decision["goals"]["/children/c1/amount"] == {
        "value": "250.00",
        "decided": True,
        "currency": "EUR",
    }
    assert decision["reasons"]["/children/c2/amount"][0]["text"] == "Ben does not qualify."
    assert decision["answers"]["children"][0] == {"id": "c1", "name": "Anna", "age": 7}
    assert any(step["name"] == "/children/c1/qualifies" for step in decision["trace"])
    replay = api.post(f"/v1/decisions/{decision['id']}/replay", headers=keys["auditor"])
    assert replay.status_code == 200, replay.get_json()
    assert replay.get_json()["identical"] is True
    exported = api.get("/v1/decisions/export?format=csv", headers=keys["auditor"])
    assert exported.status_code == 200
    csv = exported.get_data(as_text=True)
    assert "answer:children" in csv.splitlines()[0]
    assert '""id"": ""c1""' in csv  # the instances as JSON in one cell
    report = api.get(f"/v1/decisions/{decision['id']}/report?format=html", headers=keys["auditor"])
    assert report.status_code == 200
    assert "c1: Allowance for this child" in report.get_data(as_text=True)
    verified = api.get("/v1/audit/verify", headers=keys["auditor"])
    assert verified.status_code == 200 and verified.get_json()["ok"] is True
