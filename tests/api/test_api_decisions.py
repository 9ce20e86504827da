"""Decisions on SQLite and PostgreSQL: record (idempotent), read, list, export, replay, verify."""

from __future__ import annotations

import csv
import io
import json
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from eligibility.storage.testing import bypassing_append_only
from tests.api.api_helpers import assert_problem

pytestmark = pytest.mark.usefixtures("dask_cluster")  # the replay jobs posted here run on it

DECISIONS = "/v1/decisions"
SENIOR = {
    "ruleset": "fishing-licence",
    "as_of": "2024-06-01",
    "answers": {"age": 70, "resident": True},
}
YOUNG = {
    "ruleset": "fishing-licence",
    "as_of": "2024-06-01",
    "answers": {"age": 20, "resident": True, "income": "5000"},
}


def decide(api: FlaskClient, keys: Any, body: dict[str, Any], **headers: str) -> Any:
    response = api.post(DECISIONS, json=body, headers={**keys["client"], **headers})
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    return response


def test_record_a_decision(api: FlaskClient, keys: Any) -> None:
    response = decide(api, keys, SENIOR)
    assert response.status_code == 201
    decision = response.get_json()
    assert response.headers["Location"] == f"{DECISIONS}/{decision['id']}"
    assert decision["sequence"] == 1
    assert decision["ruleset"]["version"] == "2024-01-01"
    assert len(decision["ruleset"]["content_hash"]) == 64
    assert decision["eligible"] is True
    assert decision["goals"]["reduction"] == {"value": "20", "decided": True}
    assert decision["reasons"]["eligible"][0]["rule"] == "is_senior"
    assert any(step["name"] == "is_senior" for step in decision["trace"])
    assert decision["client"].startswith("key:")
    assert len(decision["hash"]) == 64
    stored = api.get(response.headers["Location"], headers=keys["auditor"])
    assert stored.status_code == 200
    assert stored.get_json() == decision


def test_idempotency_key_gives_the_same_decision(api: FlaskClient, keys: Any) -> None:
    first = decide(api, keys, SENIOR, **{"Idempotency-Key": "abc-1"})
    retry = decide(api, keys, SENIOR, **{"Idempotency-Key": "abc-1"})
    assert first.status_code == 201
    assert retry.status_code == 200
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json()["id"] == first.get_json()["id"]
    other = api.post(DECISIONS, json=YOUNG, headers={**keys["client"], "Idempotency-Key": "abc-1"})
    assert_problem(other, 409, "idempotency-conflict")
    fresh = decide(api, keys, SENIOR, **{"Idempotency-Key": "abc-2"})
    assert fresh.get_json()["sequence"] == 2


def test_decision_errors(api: FlaskClient, keys: Any) -> None:
    client = keys["client"]
    bad = {**SENIOR, "answers": {"age": -1}}
    assert_problem(api.post(DECISIONS, json=bad, headers=client), 422, "invalid-answers")
    late = {**SENIOR, "as_of": "2030-01-01"}
    assert_problem(api.post(DECISIONS, json=late, headers=client), 422, "no-version-applies")
    assert_problem(api.post(DECISIONS, json={"ruleset": "x"}, headers=client), 404)
    long_key = {**client, "Idempotency-Key": "k" * 201}
    assert_problem(api.post(DECISIONS, json=SENIOR, headers=long_key), 422)
    assert_problem(api.get(f"{DECISIONS}/nope", headers=keys["auditor"]), 404, "not-found")


def test_list_filter_and_page(api: FlaskClient, keys: Any) -> None:
    for body in (SENIOR, YOUNG, SENIOR, YOUNG, SENIOR):
        decide(api, keys, body)
    auditor = keys["auditor"]
    everything = api.get(DECISIONS, headers=auditor).get_json()
    assert [d["sequence"] for d in everything["items"]] == [1, 2, 3, 4, 5]
    assert everything["next_cursor"] is None
    eligible = api.get(DECISIONS + "?eligible=true", headers=auditor).get_json()
    assert [d["sequence"] for d in eligible["items"]] == [1, 3, 5]
    pages, url = [], DECISIONS + "?limit=2&ruleset=fishing-licence"
    while url:
        page = api.get(url, headers=auditor).get_json()
        pages.append([d["sequence"] for d in page["items"]])
        url = page["next"]
    assert pages == [[1, 2], [3, 4], [5]]
    none = api.get(DECISIONS + "?version=1999&from=2000-01-01", headers=auditor).get_json()
    assert none["items"] == []
    until = api.get(DECISIONS + "?to=2000-01-01", headers=auditor).get_json()
    assert until["items"] == []
    assert_problem(api.get(DECISIONS + "?cursor=garbage", headers=auditor), 422, "invalid-cursor")
    assert_problem(api.get(DECISIONS + "?limit=0", headers=auditor), 422, "invalid-request")
    assert_problem(api.get(DECISIONS + "?from=yesterday", headers=auditor), 422)


def test_export_jsonl_and_csv(api: FlaskClient, keys: Any) -> None:
    decide(api, keys, SENIOR)
    decide(api, keys, YOUNG)
    auditor = keys["auditor"]
    response = api.get(DECISIONS + "/export?format=jsonl", headers=auditor)
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    assert response.is_streamed
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert [d["sequence"] for d in lines] == [1, 2]
    assert response.headers["Content-Disposition"] == 'attachment; filename="decisions.jsonl"'
    response = api.get(DECISIONS + "/export?format=csv&eligible=false", headers=auditor)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="decisions.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["sequence"] for r in rows] == ["2"]
    assert rows[0]["eligible"] == "false"
    empty = api.get(DECISIONS + "/export?ruleset=nothing", headers=auditor)
    assert empty.status_code == 200 and empty.get_data() == b""
    assert_problem(api.get(DECISIONS + "/export?format=xml", headers=auditor), 422)


def test_replay_a_decision(api: FlaskClient, keys: Any) -> None:
    decision = decide(api, keys, SENIOR).get_json()
    url = f"{DECISIONS}/{decision['id']}/replay"
    result = api.post(url, headers=keys["auditor"])
    assert result.status_code == 200, result.get_data(as_text=True)
    body = result.get_json()
    assert body["identical"] is True
    assert body["differences"] == []
    assert body["replayed_version"] == "2024-01-01"
    what_if = api.post(url, json={"as_of": "2024-12-31"}, headers=keys["auditor"]).get_json()
    assert what_if["identical"] is True
    outside = api.post(url, json={"as_of": "2025-06-01"}, headers=keys["auditor"])
    assert_problem(outside, 422, "no-version-applies")  # as for evaluations and decisions
    both = {"as_of": "2024-12-31", "version": "2024-01-01"}
    assert_problem(api.post(url, json=both, headers=keys["auditor"]), 422)
    assert_problem(api.post(f"{DECISIONS}/nope/replay", headers=keys["auditor"]), 404)


def test_verify_the_chain_and_detect_tampering(
    api: FlaskClient, keys: Any, stored_app: Flask
) -> None:
    for body in (SENIOR, YOUNG, SENIOR):
        decide(api, keys, body)
    verified = api.get("/v1/audit/verify", headers=keys["auditor"]).get_json()
    head = api.get("/v1/audit/head", headers=keys["auditor"]).get_json()
    assert verified == {
        "ok": True,
        "checked": 3,
        "broken": None,
        "checkpoints": 0,
        "latest_checkpoint": None,
        "after_latest": 0,
        "head": {"sequence": 3, "hash": head["hash"]},
        "message": "ok (3 records)",
    }
    database = stored_app.extensions["eligibility"].storage.db
    with bypassing_append_only(database.engine) as connection:
        connection.execute(text("UPDATE decisions SET client = 'someone else' WHERE sequence = 2"))
    verified = api.get("/v1/audit/verify", headers=keys["auditor"]).get_json()
    assert verified["ok"] is False
    assert verified["broken"]["sequence"] == 2
    assert "client" in verified["broken"]["fields"]


def test_batch_replay_job(api: FlaskClient, keys: Any) -> None:
    for body in (SENIOR, YOUNG):
        decide(api, keys, body)
    start = {"ruleset": "fishing-licence", "filters": {"eligible": True}}
    response = api.post("/v1/replays", json=start, headers=keys["auditor"])
    assert response.status_code == 202, response.get_data(as_text=True)
    job = response.get_json()
    deadline = time.monotonic() + 30
    while job["status"] in ("pending", "running") and time.monotonic() < deadline:
        time.sleep(0.05)
        job = api.get(response.headers["Location"], headers=keys["auditor"]).get_json()
    assert job["status"] == "done", job
    assert job["total"] == job["processed"] == 1
    assert job["summary"]["unchanged"] == 1
    assert job["summary"]["changed"] == 0
    listed = api.get("/v1/replays", headers=keys["auditor"]).get_json()["items"]
    assert [j["id"] for j in listed] == [job["id"]]
    assert_problem(api.get("/v1/replays/nope", headers=keys["auditor"]), 404)
    bad = {"ruleset": "fishing-licence", "version": "1999"}
    assert_problem(api.post("/v1/replays", json=bad, headers=keys["auditor"]), 404)


OPEN = {"ruleset": "fishing-licence", "as_of": "2024-06-01", "answers": {}}


def test_an_incomplete_decision_is_recorded_only_when_asked(api: FlaskClient, keys: Any) -> None:
    refused = api.post(DECISIONS, json=OPEN, headers=keys["client"])
    body = assert_problem(refused, 422, "incomplete-decision")
    assert body["undecided"] == ["eligible", "reduction"]
    assert body["next_questions"] == ["age", "income", "resident"]
    listed = api.get(DECISIONS, headers=keys["auditor"]).get_json()
    assert listed["items"] == []  # nothing was recorded
    asked = decide(api, keys, {**OPEN, "allow_incomplete": True})
    assert asked.status_code == 201
    assert (asked.get_json()["status"], asked.get_json()["eligible"]) == ("incomplete", None)
    complete = decide(api, keys, SENIOR).get_json()
    assert complete["status"] == "complete"
    assert (
        "allow_incomplete"
        in api.get("/openapi.json").get_json()["components"]["schemas"]["DecisionRequest"][
            "properties"
        ]
    )


def test_the_status_is_shown_filtered_exported_and_hashed(
    api: FlaskClient, keys: Any, stored_app: Flask
) -> None:
    incomplete = decide(api, keys, {**OPEN, "allow_incomplete": True}).get_json()
    complete = decide(api, keys, SENIOR).get_json()
    auditor = keys["auditor"]
    for status, expected in (("complete", complete), ("incomplete", incomplete)):
        found = api.get(f"{DECISIONS}?status={status}", headers=auditor).get_json()["items"]
        assert [d["id"] for d in found] == [expected["id"]]
    assert_problem(api.get(f"{DECISIONS}?status=maybe", headers=auditor), 422)
    lines = api.get(f"{DECISIONS}/export?status=incomplete", headers=auditor).get_data(as_text=True)
    (line,) = lines.splitlines()
    assert json.loads(line)["status"] == "incomplete"
    table = api.get(f"{DECISIONS}/export?format=csv", headers=auditor).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(table)))
    assert [r["status"] for r in rows] == ["incomplete", "complete"]
    # the status is covered by the record's hash: changing it breaks the chain
    database = stored_app.extensions["eligibility"].storage.db
    with bypassing_append_only(database.engine) as connection:
        connection.execute(
            text("UPDATE decisions SET status = 'complete' WHERE id = :id"),
            {"id": incomplete["id"]},
        )
    verified = api.get("/v1/audit/verify", headers=auditor).get_json()
    assert verified["ok"] is False and verified["broken"]["id"] == incomplete["id"]
    assert "status" in verified["broken"]["fields"]
