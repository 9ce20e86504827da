"""Correcting a published version over HTTP (SQLite and PostgreSQL): publish, use, what-if."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from api import create_app
from eligibility import services
from eligibility.catalogue import Catalogue, StoredSource
from eligibility.storage.sql import SqlStorage
from tests.api.api_helpers import FakeClock, assert_problem
from tests.api.conftest import RULES

RULESET = "/v1/rulesets/fishing-licence"
VERSIONS = f"{RULESET}/versions"
YAML = "application/yaml"
CORRECTION = """\
ruleset: fishing-licence
version: "2024-01-01-c1"
extends: "2024-01-01"
supersedes: "2024-01-01"
correction_reason: {en: "The income limit is 1000 (§ 12 (2) as promulgated); the fee is 50."}
effective_from: 2024-01-01
effective_to: 2024-12-31
parameters:
  income_limit: {value: 1000.00}
  fee: {table: {1: 50, 2: 35, 3: 30}}
scenarios:
  - name: an income of 1100 is above the corrected limit
    answers: {age: 30, income: "1100.00", resident: true}
    expect: {eligible: false, reduction: "0"}
  - name: a senior gets half the corrected fee
    answers: {age: 70, resident: true}
    expect: {eligible: true, reduction: "25"}
"""
CLAIMS = {
    "too_much": {"age": 30, "income": "1100.00", "resident": True},  # 20 → 0
    "too_little": {"age": 70, "resident": True},  # 20 → 25
    "same": {"age": 30, "income": "1300.00", "resident": True},  # 0 → 0
}


def decide(api: FlaskClient, keys: Any, answers: dict[str, Any]) -> dict[str, Any]:
    body = {"ruleset": "fishing-licence", "as_of": "2024-06-01", "answers": answers}
    response = api.post("/v1/decisions", json=body, headers=keys["client"])
    assert response.status_code == 201, response.get_data(as_text=True)
    return dict(response.get_json())


def send(api: FlaskClient, keys: Any, text: str = CORRECTION) -> Any:
    return api.post(VERSIONS, data=text, content_type=YAML, headers=keys["author"])


def publish(api: FlaskClient, keys: Any, version: str = "2024-01-01-c1") -> Any:
    read = api.get(f"{VERSIONS}/{version}", headers=keys["publisher"])
    headers = {**keys["publisher"], "If-Match": read.headers["ETag"]}
    return api.post(f"{VERSIONS}/{version}/publish", headers=headers)


def evaluated_version(api: FlaskClient) -> str:
    body = {"ruleset": "fishing-licence", "as_of": "2024-06-01", "answers": {"age": 30}}
    return str(api.post("/v1/evaluations", json=body).get_json()["ruleset"]["version"])


def impact(api: FlaskClient, keys: Any, role: str = "auditor") -> Any:
    return api.get(f"{VERSIONS}/2024-01-01-c1/correction-impact", headers=keys[role])


def test_a_correction_governs_its_window_from_its_publication_on(
    api: FlaskClient, keys: Any, stored_app: Flask, clock: FakeClock
) -> None:
    recorded = {name: decide(api, keys, answers) for name, answers in CLAIMS.items()}
    assert send(api, keys).status_code == 201
    assert evaluated_version(api) == "2024-01-01"  # a draft changes nothing yet
    assert_problem(api.post(f"{VERSIONS}/2024-01-01-c1/publish", headers=keys["publisher"]), 428)
    clock.advance(60)
    published = publish(api, keys)
    assert published.status_code == 200, published.get_data(as_text=True)
    assert evaluated_version(api) == "2024-01-01-c1"
    ruleset = api.get(RULESET).get_json()
    assert ruleset["superseded_by"] == {"2024-01-01": "2024-01-01-c1"}
    correction = next(v for v in ruleset["versions"] if v["version"] == "2024-01-01-c1")
    assert correction["supersedes"] == "2024-01-01"
    assert correction["correction_reason"]["en"].startswith("The income limit is 1000")
    assert correction["published_at"] is not None
    for decision in recorded.values():  # decisions keep their version and replay identically
        url = f"/v1/decisions/{decision['id']}/replay"
        replayed = api.post(url, json={}, headers=keys["auditor"]).get_json()
        assert replayed["identical"] is True
        assert replayed["replayed_version"] == "2024-01-01"
    # Bitemporal: as known just before the publication, the original governed the window.
    store = stored_app.extensions["eligibility"].storage
    before = clock.now - dt.timedelta(seconds=30)
    catalogue = Catalogue(StoredSource(store))
    day = dt.date(2024, 6, 1)
    assert catalogue.resolve(
        "fishing-licence", as_of=day, known_at=before
    ).compiled.ruleset.version == ("2024-01-01")


def test_the_what_if_lists_who_was_paid_too_much_or_too_little(api: FlaskClient, keys: Any) -> None:
    recorded = {name: decide(api, keys, answers)["id"] for name, answers in CLAIMS.items()}
    send(api, keys)
    before = impact(api, keys).get_json()  # a draft can be tried before it is published
    assert before["status"] == "draft"
    publish(api, keys)
    body = impact(api, keys).get_json()
    assert body["supersedes"] == ["2024-01-01"] and body["status"] == "published"
    assert (body["total"], body["unchanged"], body["changed"]) == (3, 1, 2)
    rows = {row["decision_id"]: row for row in body["decisions"]}
    assert set(rows) == {recorded["too_much"], recorded["too_little"]}
    too_much, too_little = rows[recorded["too_much"]], rows[recorded["too_little"]]
    assert too_much["direction"] == "paid_too_much" and too_much["difference"] == "-20"
    assert too_much["amounts"]["reduction"] == {"recorded": "20", "corrected": "0"}
    assert too_little["direction"] == "paid_too_little" and too_little["difference"] == "5"
    assert body["totals"]["paid_too_much"] == {"decisions": 1, "amount": "20"}
    assert body["totals"]["paid_too_little"] == {"decisions": 1, "amount": "5"}
    assert before["decisions"] == body["decisions"]
    assert_problem(impact(api, keys, "author"), 403)
    not_a_correction = api.get(f"{VERSIONS}/2024-01-01/correction-impact", headers=keys["auditor"])
    assert_problem(not_a_correction, 409)


def test_a_correction_keeps_the_window_and_there_is_one_per_version(
    api: FlaskClient, keys: Any
) -> None:
    moved = CORRECTION.replace("effective_to: 2024-12-31", "effective_to: 2024-11-30")
    problem = assert_problem(send(api, keys, moved), 422)
    assert any("window of the version it supersedes" in p["message"] for p in problem["problems"])
    nowhere = CORRECTION.replace('supersedes: "2024-01-01"', 'supersedes: "2024-01-02"')
    problem = assert_problem(send(api, keys, nowhere), 422)
    assert problem["problems"][0]["suggestion"] == "2024-01-01"
    unexplained = CORRECTION.replace("correction_reason:", "# correction_reason:")
    assert_problem(send(api, keys, unexplained), 422)
    send(api, keys)
    publish(api, keys)
    second = CORRECTION.replace('"2024-01-01-c1"', '"2024-01-01-c2"')
    assert send(api, keys, second).status_code == 201
    refused = assert_problem(publish(api, keys, "2024-01-01-c2"), 409)
    assert "already corrected by 2024-01-01-c1" in refused["detail"]


# Kurzarbeitergeld: decisions recorded under the published versions 2016-01-01 and 2023-07-01 before
# their corrections (the law in force in each window only) were published keep their version,
# replay identically under it, and the corrections change no amount.
KUG_CLAIMS = {
    "2019": {"claim_month": "2019-06-01", "notification_date": "2019-06-12"},
    "2020": {"claim_month": "2020-01-01", "notification_date": "2019-03-02"},
    "2020-04": {"claim_month": "2020-04-01", "notification_date": "2020-04-03"},
    "2023": {"claim_month": "2023-09-01", "notification_date": "2023-09-05"},
    "2025": {"claim_month": "2025-03-01", "notification_date": "2025-03-05"},
}
KUG_CORRECTED = {
    "2019": "2016-01-01",
    "2020": "2016-01-01",
    "2023": "2023-07-01",
    "2025": "2025-01-01",
}
KUG_CORRECTED = {
    "2019": "2016-01-01",
    "2020": "2016-01-01",
    "2020-04": "2020-03-01",
    "2023": "2023-07-01",
    "2025": "2025-01-01",
}
# Questions a correction no longer asks, as they decide nothing in its window (§ 3 and § 1 Nr. 2
# KugV: agency workers admitted, negative balances not required from March 2020).
KUG_NOT_ASKED = {"2020-03-01": {"agency_worker", "negative_balances_used"}}


def _kug_claim(month: dict[str, str]) -> dict[str, Any]:
    """An eligible one-employee claim (514.02 euros), answered as the published baseline asks it."""
    return {
        "cause": "economic",
        **month,
        "employees": 30,
        "other_affected_employees": 9,
        "target_gross_pay": "3000.00",
        "actual_gross_pay": "1500.00",
        "loss_temporary": True,
        "loss_customary": False,
        "leave_used": True,
        "working_time_credits_used": True,
        "negative_balances_used": True,
        "employment_continued": True,
        "employment_terminated": False,
        "sickness_benefit": False,
        "training_with_benefit": False,
        "refused_cooperation": False,
        "agency_worker": False,
        "has_child": False,
        "net_target_pay": "1995.41",
        "net_actual_pay": "1138.71",
    }


def _kug_app(database_url: str, clock: FakeClock, folder: Path) -> tuple[FlaskClient, Any]:
    storage = SqlStorage(database_url, clock=clock)
    app = create_app({"RULES": [str(folder)], "STORAGE": storage, "TESTING": True})
    headers = {}
    for role in ("client", "auditor"):
        token, _ = services.create_key(storage, role, f"kug {role}")
        headers[role] = {"Authorization": f"Bearer {token}"}
    return app.test_client(), (storage, headers)


def test_kurzarbeitergeld_decisions_under_the_originals_replay_after_their_corrections(
    database_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    before = tmp_path / "kurzarbeitergeld"  # as served before the corrections were published
    shutil.copytree(RULES / "kurzarbeitergeld", before)
    for version in set(KUG_CORRECTED.values()):
        correction = before / f"{version}.1.yaml"
        text = correction.read_text().replace("\nstatus: published\n", "\nstatus: draft\n")
        correction.write_text(text)
    api, (storage, keys) = _kug_app(database_url, clock, before)
    recorded = {}
    for name, month in KUG_CLAIMS.items():
        body = {"ruleset": "kurzarbeitergeld", "answers": _kug_claim(month)}
        response = api.post("/v1/decisions", json=body, headers=keys["client"])
        assert response.status_code == 201, response.get_data(as_text=True)
        decision = response.get_json()
        assert decision["ruleset"]["version"] == KUG_CORRECTED[name]
        recorded[name] = decision["id"]
    storage.close()
    clock.advance(60)
    api, (storage, keys) = _kug_app(database_url, clock, RULES / "kurzarbeitergeld")  # as it is
    try:
        for name, decision_id in recorded.items():
            url = f"/v1/decisions/{decision_id}/replay"
            replayed = api.post(url, json={}, headers=keys["auditor"]).get_json()
            assert replayed["identical"] is True, replayed
            assert replayed["replayed_version"] == KUG_CORRECTED[name]
            dropped = KUG_NOT_ASKED.get(KUG_CORRECTED[name], set())
            claim = {q: a for q, a in _kug_claim(KUG_CLAIMS[name]).items() if q not in dropped}
            body = {"ruleset": "kurzarbeitergeld", "answers": claim}
            now = api.post("/v1/evaluations", json=body).get_json()
            assert now["ruleset"]["version"] == f"{KUG_CORRECTED[name]}.1"
        url = "/v1/rulesets/kurzarbeitergeld/versions/2016-01-01.1/correction-impact"
        impact = api.get(url, headers=keys["auditor"]).get_json()
        assert impact["status"] == "published"
        # Nobody was paid too much or too little; the January 2020 claim's benefit period now
        # depends on the start of the entitlement (KugBeV), which the original never asked.
        assert (impact["total"], impact["unchanged"], impact["changed"]) == (2, 1, 1)
        (changed,) = impact["decisions"]
        assert changed["decision_id"] == recorded["2020"]
        assert (changed["direction"], changed["difference"]) == ("outcome_changed", "0")
        assert changed["changes"] == ["Längste Bezugsdauer (Monate): 12 → undecided"]
        # April 2020: the decision answered agency work and negative balances, which the
        # correction no longer asks (they decided nothing then: § 3, § 1 Nr. 2 KugV). The
        # what-if sets those answers aside; like January's, the claim's benefit period now
        # needs the start of the entitlement (KugBeV), which the original never asked.
        url = "/v1/rulesets/kurzarbeitergeld/versions/2020-03-01.1/correction-impact"
        impact = api.get(url, headers=keys["auditor"]).get_json()
        assert impact["status"] == "published"
        assert impact["failed"] == {}
        assert (impact["total"], impact["unchanged"], impact["changed"]) == (1, 0, 1)
        (changed,) = impact["decisions"]
        assert changed["decision_id"] == recorded["2020-04"]
        assert (changed["direction"], changed["difference"]) == ("outcome_changed", "0")
        assert changed["changes"] == ["Längste Bezugsdauer (Monate): 12 → undecided"]
        url = "/v1/rulesets/kurzarbeitergeld/versions/2023-07-01.1/correction-impact"
        impact = api.get(url, headers=keys["auditor"]).get_json()
        assert (impact["total"], impact["unchanged"], impact["changed"]) == (1, 1, 0)
        url = "/v1/rulesets/kurzarbeitergeld/versions/2025-01-01.1/correction-impact"
        impact = api.get(url, headers=keys["auditor"]).get_json()
        # The 2025 claim now needs the start of the benefit period (3. KugBeV, § 104 SGB III),
        # which the original never asked: it stays open until that answer is given.
        assert (impact["total"], impact["unchanged"], impact["changed"]) == (1, 0, 1)
        (changed,) = impact["decisions"]
        assert changed["decision_id"] == recorded["2025"]
        assert (changed["direction"], changed["difference"]) == ("outcome_changed", "0")
        assert {
            "Anspruch auf Kurzarbeitergeld: true → undecided",
            "Längste Bezugsdauer (Monate): 24 → undecided",
        } <= set(changed["changes"])
    finally:
        storage.close()
