"""Readable replays and impact: per-goal differences, results exports (auditors), aggregates
only for authors and publishers — no decision ids, no answers."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from eligibility import services
from eligibility.storage.sql import SqlStorage
from tests.api.api_helpers import assert_problem
from tests.api.api_helpers import finished as job_when_finished
from tests.api.conftest import FISHING, AppFactory

pytestmark = pytest.mark.usefixtures("dask_cluster")  # replay jobs run on it

VERSIONS = "/v1/rulesets/fishing-licence/versions"
LOWER_LIMIT = """\
ruleset: fishing-licence
version: "2025-01-01"
extends: "2024-01-01"
effective_from: 2025-01-01
parameters:
  income_limit:
    value: 1000.00
    legal_reference: "Fisheries Act § 12 (2) as amended"
"""
CLAIMS = [
    {"age": 70, "resident": True},
    {"age": 30, "income": "1100.00", "resident": True},  # the lower limit refuses these
    {"age": 31, "income": "1150.00", "resident": True},
    {"age": 32, "income": "1190.00", "resident": True},
    {"age": 30, "income": "900.00", "resident": True},
    {"age": 30, "income": "5000.00", "resident": True},
]


@pytest.fixture
def app(make_app: AppFactory, database_url: str) -> Any:
    storage = SqlStorage(database_url)
    yield make_app(STORAGE=storage, IMPACT_MIN_GROUP=3, RULES=[FISHING])
    storage.close()


def keys_of(app: Flask) -> dict[str, dict[str, str]]:
    store = app.extensions["eligibility"].storage
    found = {}
    for name, role in (
        ("client", "client"),
        ("author", "author"),
        ("other author", "author"),
        ("publisher", "publisher"),
        ("auditor", "auditor"),
    ):
        token, _ = services.create_key(store, role, name)  # type: ignore[arg-type]
        found[name] = {"Authorization": f"Bearer {token}"}
    return found


def recorded(api: FlaskClient, keys: dict[str, dict[str, str]]) -> list[str]:
    ids = []
    for answers in CLAIMS:
        body = {"ruleset": "fishing-licence", "as_of": "2024-06-01", "answers": answers}
        response = api.post("/v1/decisions", json=body, headers=keys["client"])
        assert response.status_code == 201, response.get_data(as_text=True)
        ids.append(response.get_json()["id"])
    draft = api.post(
        VERSIONS, data=LOWER_LIMIT, content_type="application/yaml", headers=keys["author"]
    )
    assert draft.status_code == 201, draft.get_data(as_text=True)
    return ids


def finished(api: FlaskClient, url: str, headers: dict[str, str]) -> dict[str, Any]:
    body = job_when_finished(api, url, headers)
    assert body["status"] == "done", body
    return body


def test_a_replay_answers_one_entry_per_changed_goal(app: Flask) -> None:
    api, keys = app.test_client(), keys_of(app)
    ids = recorded(api, keys)
    url = f"/v1/decisions/{ids[1]}/replay"
    body = api.post(url, json={"version": "2025-01-01"}, headers=keys["auditor"]).get_json()
    assert [d["text"] for d in body["differences"]] == [
        "Reduced licence: true → false",
        "Reduction: 20 → 0",
    ]
    eligible = body["differences"][0]
    assert (eligible["goal"], eligible["recorded"], eligible["replayed"]) == (
        "eligible",
        True,
        False,
    )
    assert eligible["rules"][0]["rule"] == "low_income"
    assert eligible["rules"][0]["inputs"] == {
        "income_limit": {"recorded": "1200.00", "replayed": "1000.00"}
    }
    assert "goals.eligible.value" in {d["path"] for d in body["details"]}


def test_replay_results_export_for_auditors(app: Flask) -> None:
    api, keys = app.test_client(), keys_of(app)
    ids = recorded(api, keys)
    start = {"ruleset": "fishing-licence", "version": "2025-01-01"}
    started = api.post("/v1/replays", json=start, headers=keys["auditor"])
    job = finished(api, started.headers["Location"], keys["auditor"])
    assert job["summary"]["labels"]["eligible"] == "Reduced licence"
    assert job["summary"]["by_rule"]["low_income"]["decisions"] == 3
    results = f"/v1/replays/{job['id']}/results"
    exported = api.get(results, headers=keys["auditor"])
    assert exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert [r["decision_id"] for r in rows] == ids
    assert [r["replayed:eligible"] for r in rows] == [
        "true",
        "false",
        "false",
        "false",
        "true",
        "false",
    ]
    lines = api.get(results + "?format=jsonl", headers=keys["auditor"]).get_data(as_text=True)
    assert [json.loads(line)["status"] for line in lines.splitlines()].count("changed") == 3
    for role in ("author", "publisher", "client"):
        assert_problem(api.get(results, headers=keys[role]), 403)
    assert_problem(api.get("/v1/replays/nope/results", headers=keys["auditor"]), 404)


def test_authors_see_the_impact_of_a_draft_in_aggregate_only(app: Flask) -> None:
    api, keys = app.test_client(), keys_of(app)
    ids = recorded(api, keys)
    started = api.post(f"{VERSIONS}/2025-01-01/impact", headers=keys["author"])
    assert started.status_code == 202, started.get_data(as_text=True)
    location = started.headers["Location"]
    impact = finished(api, location, keys["author"])
    assert (impact["total"], impact["changed"], impact["unchanged"]) == (6, 3, 3)
    assert impact["by_goal"] == {
        "eligible": {"true → false": 3},
        "reduction": {"lower": 3},  # how amounts moved, not anyone's amount
    }
    assert impact["labels"] == {"eligible": "Reduced licence", "reduction": "Reduction"}
    assert impact["by_rule"]["low_income"] == {
        "label": "low_income",
        "legal_reference": "Fisheries Act § 12 (1) No. 2",
        "decisions": 3,
    }
    assert impact["amounts"]["reduction"] == {
        "recorded": "100",
        "replayed": "40",
        "difference": "-60",
        "decisions": 6,
    }
    text = json.dumps(impact)
    assert not any(decision_id in text for decision_id in ids)
    assert "1100.00" not in text and "answers" not in text
    job_id = impact["id"]
    for role in ("author", "publisher"):  # rows and ids stay with auditors
        assert_problem(api.get(f"/v1/replays/{job_id}", headers=keys[role]), 403)
        assert_problem(api.get(f"/v1/replays/{job_id}/results", headers=keys[role]), 403)
        assert_problem(api.get("/v1/replays", headers=keys[role]), 403)
    assert_problem(api.get(location, headers=keys["other author"]), 404)  # not theirs
    assert_problem(api.get(location, headers=keys["client"]), 403)
    assert_problem(api.post(f"{VERSIONS}/2025-01-01/impact", headers=keys["client"]), 403)
    audited = api.get(location, headers=keys["auditor"]).get_json()
    assert audited["changed"] == 3
    full = api.get(f"/v1/replays/{job_id}", headers=keys["auditor"]).get_json()
    assert sorted(full["summary"]["changed_ids"]) == sorted(ids[1:4])
    assert (full["summary"]["failed_ids"], full["summary"]["failures"]) == ({}, {})


def test_small_groups_hide_their_amounts(app: Flask) -> None:
    api, keys = app.test_client(), keys_of(app)
    recorded(api, keys)
    body = {"filters": {"eligible": False}}  # one decision only
    started = api.post(f"{VERSIONS}/2025-01-01/impact", json=body, headers=keys["publisher"])
    impact = finished(api, started.headers["Location"], keys["publisher"])
    assert impact["total"] == 1 and impact["min_group"] == 3
    assert impact["amounts"] == {"reduction": None}
    missing = api.post(f"{VERSIONS}/1999/impact", headers=keys["author"])
    assert_problem(missing, 404)


def test_a_replay_has_an_impact_report_and_the_affected_decisions(app: Flask) -> None:
    api, keys = app.test_client(), keys_of(app)
    ids = recorded(api, keys)
    start = {"ruleset": "fishing-licence", "version": "2025-01-01"}
    started = api.post("/v1/replays", json=start, headers=keys["auditor"])
    job = finished(api, started.headers["Location"], keys["auditor"])
    assert job["processed"] == job["total"] == 6 and job["rate"] > 0
    url = f"/v1/replays/{job['id']}"
    report = api.get(url + "/report", headers=keys["auditor"])
    assert report.mimetype == "application/json"
    body = report.get_json()
    assert (body["changed"], body["reform"]) == (3, "2025-01-01")
    assert body["eligibility"] == [
        {"goal": "eligible", "label": "Reduced licence", "gained": 0, "lost": 3}
    ]
    assert body["rules"][0]["legal_reference"] == "Fisheries Act § 12 (1) No. 2"
    page = api.get(url + "/report", headers={**keys["auditor"], "Accept": "text/html"})
    assert page.mimetype == "text/html" and "data:image/svg+xml;base64," in page.get_data(
        as_text=True
    )
    refused = api.get(url + "/report", headers={**keys["auditor"], "Accept": "image/png"})
    assert_problem(refused, 406)
    affected = api.get(url + "/affected", headers=keys["auditor"])
    rows = list(csv.DictReader(io.StringIO(affected.get_data(as_text=True))))
    assert [r["id"] for r in rows] == [ids[1], ids[2], ids[3]]
    assert rows[0]["Reduced licence (eligible)"] == "true → false"
    for role in ("author", "publisher", "client"):
        assert_problem(api.get(url + "/report", headers=keys[role]), 403)
        assert_problem(api.get(url + "/affected", headers=keys[role]), 403)


def test_cancelling_a_replay(app: Flask) -> None:
    api, keys = app.test_client(), keys_of(app)
    recorded(api, keys)
    store = app.extensions["eligibility"].storage
    job = services.start_replay_job(store, "fishing-licence", "auditor-1", "2025-01-01")
    cancelled = api.post(f"/v1/replays/{job.id}/cancel", headers=keys["auditor"])
    assert cancelled.status_code == 202 and cancelled.get_json()["status"] == "cancelled"
    ran = services.run_replay_job(store, job.id)  # a cancelled job does not start
    assert (ran.status, ran.processed) == ("cancelled", 0)
    again = api.post(f"/v1/replays/{job.id}/cancel", headers=keys["auditor"])
    assert again.get_json()["status"] == "cancelled"
    assert_problem(api.post("/v1/replays/nope/cancel", headers=keys["auditor"]), 404)
    assert_problem(api.post(f"/v1/replays/{job.id}/cancel", headers=keys["author"]), 403)


def test_resuming_a_failed_replay(app: Flask) -> None:
    api, keys = app.test_client(), keys_of(app)
    recorded(api, keys)
    store = app.extensions["eligibility"].storage
    job = services.start_replay_job(store, "fishing-licence", "auditor-1", "2025-01-01")
    stopped = "interrupted: the process running this job stopped"  # before it planned a thing
    store.jobs.save(replace(job, status="failed", finished_at=store.now(), error=stopped))
    url = f"/v1/replays/{job.id}/resume"
    resumed = api.post(url, headers=keys["auditor"])
    assert resumed.status_code == 202 and resumed.headers["Location"] == f"/v1/replays/{job.id}"
    assert resumed.get_json()["error"] is None
    done = finished(api, resumed.headers["Location"], keys["auditor"])
    assert (done["processed"], done["total"], done["summary"]["changed"]) == (6, 6, 3)
    again = assert_problem(api.post(url, headers=keys["auditor"]), 409, "job-not-resumable")
    assert again["detail"] == (
        f"replay job {job.id} is done: only a failed job (interrupted, or failed in some "
        "partitions) or a cancelled one whose run has ended is resumed"
    )
    assert_problem(api.post("/v1/replays/nope/resume", headers=keys["auditor"]), 404)
    assert_problem(api.post(url, headers=keys["author"]), 403)
