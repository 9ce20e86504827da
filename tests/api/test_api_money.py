"""Amounts in responses and exports: their declared scale ("20.00", not "20") and currency."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from eligibility import services
from tests.api.conftest import FIXTURES

FEES = {"ruleset": "licence-fees", "version": "2024-01-01"}


@pytest.fixture
def fees(make_app: Any) -> tuple[FlaskClient, dict[str, dict[str, str]]]:
    app = make_app(RULES=[str(FIXTURES / "licence-fees"), str(FIXTURES / "fishing-licence")])
    store = app.extensions["eligibility"].storage
    keys = {}
    for role in ("client", "auditor"):
        token, _ = services.create_key(store, role, role)
        keys[role] = {"Authorization": f"Bearer {token}"}
    return app.test_client(), keys


def test_an_evaluation_gives_amounts_their_scale_and_currency(fees: Any) -> None:
    client, _ = fees
    body = {**FEES, "answers": {"income": 900, "rods": 1}}
    result = client.post("/v1/evaluations", json=body).get_json()
    fee = result["goals"]["fee_due"]
    assert (fee["value"], fee["currency"], fee["decimal_places"]) == ("20.00", "EUR", 2)
    assert result["goals"]["rate"]["value"] == "0.50"
    assert result["goals"]["eligible"]["currency"] is None
    assert result["answers"]["income"] == "900.00"
    assert "€900.00" in result["goals"]["eligible"]["reasons"][0]["text"]
    asked = client.post("/v1/evaluations", json={**FEES, "answers": {}}).get_json()
    income = next(q for q in asked["next_questions"] if q["id"] == "income")
    assert income["constraints"]["currency"] == "EUR"


def test_versions_and_their_json_schema_declare_currencies(fees: Any) -> None:
    client, _ = fees
    version = client.get("/v1/rulesets/licence-fees/versions/2024-01-01").get_json()
    goals = {g["id"]: g for g in version["goals"]}
    assert (goals["fee_due"]["currency"], goals["fee_due"]["decimal_places"]) == ("EUR", None)
    assert goals["rate"]["decimal_places"] == 2
    questions = {q["id"]: q for q in version["questions"]}
    assert questions["income"]["constraints"]["currency"] == "EUR"
    schema = client.get("/v1/rulesets/licence-fees/versions/2024-01-01/questions").get_json()
    assert schema["properties"]["income"]["x-currency"] == "EUR"


def test_decisions_and_exports_carry_the_scale_and_currency(fees: Any) -> None:
    client, keys = fees
    body = {**FEES, "answers": {"income": "900", "rods": 2}}
    recorded = client.post("/v1/decisions", json=body, headers=keys["client"])
    assert recorded.status_code == 201, recorded.get_data(as_text=True)
    goal = recorded.get_json()["goals"]["fee_due"]
    assert goal == {"value": "17.50", "decided": True, "currency": "EUR"}
    exported = client.get("/v1/decisions/export", headers=keys["auditor"]).get_data(as_text=True)
    line = json.loads(exported.splitlines()[0])
    assert line["goals"]["fee_due"] == goal
    assert line["answers"]["income"] == "900.00"
    table = client.get("/v1/decisions/export?format=csv", headers=keys["auditor"])
    (row,) = csv.DictReader(io.StringIO(table.get_data(as_text=True)))
    assert (row["goal:fee_due"], row["answer:income"]) == ("17.50", "900.00")


def test_versions_that_declare_no_currency_answer_as_before(fees: Any) -> None:
    client, _ = fees
    body = {
        "ruleset": "fishing-licence",
        "as_of": "2024-03-01",
        "answers": {"age": 70, "resident": True},
    }
    result = client.post("/v1/evaluations", json=body).get_json()
    reduction = result["goals"]["reduction"]
    assert (reduction["value"], reduction["currency"], reduction["decimal_places"]) == (
        "20",
        None,
        None,
    )
