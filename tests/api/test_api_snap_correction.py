"""The SNAP rounding fix as corrections over HTTP (SQLite and PostgreSQL): before and after.

The server starts with the two FY2020 versions as first published, records decisions by
date, then the corrections arrive in its rules folder (as a deployment brings them); from
then on claims of FY2020 are judged by them, and the what-if lists the recorded decisions
that were paid $1 too much (or too little).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api import create_app
from eligibility import services
from eligibility.storage.sql import SqlStorage
from tests.api.api_helpers import FakeClock
from tests.api.conftest import RULES

SNAP = "/v1/rulesets/snap"
NO_COSTS = {
    "has_elderly_or_disabled_member": False,
    "dependent_care_costs_monthly": "0",
    "child_support_paid_monthly": "0",
    "rent_or_mortgage_monthly": "0",
    "homeowners_insurance_and_taxes_monthly": "0",
    "utility_allowance": "NONE",
}
# The facts sheet's Illinois example: N = 1215, 30 % = 364.50: 282 before, 281 rounded up.
ILLINOIS = {"state": "IL", "household_size": 4, "earned_income_monthly": "0",
            "unearned_income_monthly": "1386.00", **NO_COSTS}  # fmt: skip
# IL, 1 person: N = 1000 - 160 = 840, 30 % = 252.00 exactly: the minimum 16 either way.
UNCHANGED = {"state": "IL", "household_size": 1, "earned_income_monthly": "0",
             "unearned_income_monthly": "1000.00", **NO_COSTS}  # fmt: skip
# Emergency allotments (2020-03-01): IL, 2 people at a gross income of 2326: refused before
# (limit 2326.50 rounded to even), eligible for the maximum allotment of 355 after.
IL_COUPLE = {"state": "IL", "household_size": 2, "earned_income_monthly": "2326.00",
             "unearned_income_monthly": "0", **NO_COSTS,
             "rent_or_mortgage_monthly": "1000.00",
             "utility_allowance": "HEATING_AND_COOLING"}  # fmt: skip


@pytest.fixture
def snap(database_url: str, tmp_path: Path) -> Iterator[tuple[Flask, Path]]:
    folder = tmp_path / "rules" / "snap"
    folder.mkdir(parents=True)
    for name in ("2019-10-01.yaml", "2020-03-01.yaml"):
        shutil.copy(RULES / "snap" / name, folder / name)
    storage = SqlStorage(database_url, clock=FakeClock())
    config = {"RULES": [str(folder.parent)], "STORAGE": storage, "RULES_WATCH_SECONDS": 0.01}
    yield create_app({**config, "TESTING": True}), folder
    storage.close()


def keys(app: Flask) -> dict[str, dict[str, str]]:
    store = app.extensions["eligibility"].storage
    found = {}
    for role in ("client", "auditor"):
        token, _ = services.create_key(store, role, f"snap {role}")
        found[role] = {"Authorization": f"Bearer {token}"}
    return found


def decide(api: FlaskClient, key: dict[str, str], as_of: str, answers: Any) -> dict[str, Any]:
    body = {"ruleset": "snap", "as_of": as_of, "answers": answers}
    response = api.post("/v1/decisions", json=body, headers=key)
    assert response.status_code == 201, response.get_data(as_text=True)
    return dict(response.get_json())


def benefit(record: dict[str, Any]) -> Any:
    return record["goals"]["estimated_monthly_benefit"]["value"]


def test_the_snap_corrections_and_their_what_if(snap: tuple[Flask, Path]) -> None:
    app, folder = snap
    api, key = app.test_client(), keys(app)
    illinois = decide(api, key["client"], "2020-01-15", ILLINOIS)
    unchanged = decide(api, key["client"], "2020-01-15", UNCHANGED)
    couple = decide(api, key["client"], "2020-04-15", IL_COUPLE)
    recorded = (illinois["ruleset"]["version"], benefit(illinois), benefit(couple))
    assert recorded == ("2019-10-01", "282", "0")
    for name in ("2019-10-01.1.yaml", "2020-03-01.1.yaml"):  # the deployment of the fix
        shutil.copy(RULES / "snap" / name, folder / name)
    time.sleep(0.05)
    assert api.get("/readyz").get_json()["rule_file_problems"] == []
    ruleset = api.get(SNAP).get_json()
    assert ruleset["superseded_by"] == {"2019-10-01": "2019-10-01.1", "2020-03-01": "2020-03-01.1"}
    reasons = {v["version"]: v["correction_reason"] for v in ruleset["versions"]}
    assert "rounded up" in reasons["2019-10-01.1"]["en"]
    after = decide(api, key["client"], "2020-01-15", ILLINOIS)
    assert (after["ruleset"]["version"], benefit(after)) == ("2019-10-01.1", "281")
    replayed = api.post(f"/v1/decisions/{illinois['id']}/replay", json={}, headers=key["auditor"])
    assert replayed.get_json()["identical"] is True  # recorded under 2019-10-01, kept
    url = f"{SNAP}/versions/2019-10-01.1/correction-impact"
    body = api.get(url, headers=key["auditor"]).get_json()
    assert (body["total"], body["unchanged"], body["changed"]) == (2, 1, 1)
    (row,) = body["decisions"]
    assert row["decision_id"] == illinois["id"] and row["direction"] == "paid_too_much"
    assert row["amounts"] == {"estimated_monthly_benefit": {"recorded": "282", "corrected": "281"}}
    assert body["totals"]["paid_too_much"] == {"decisions": 1, "amount": "1"}
    assert unchanged["id"] not in {r["decision_id"] for r in body["decisions"]}
    url = f"{SNAP}/versions/2020-03-01.1/correction-impact"
    body = api.get(url, headers=key["auditor"]).get_json()
    (row,) = body["decisions"]
    assert row["decision_id"] == couple["id"] and row["direction"] == "paid_too_little"
    assert row["difference"] == "355"
