"""`/v1/audit/verifications`: any chain verified as a job; a request verifies a short one only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from api import create_app
from eligibility import services
from eligibility.checkpoints import CheckpointSettings, new_private_key
from eligibility.services import ChainVerifications
from eligibility.storage.sql import SqlStorage
from eligibility.storage.testing import FUNCTIONAL_DEADLINES
from tests.api.api_helpers import assert_problem, finished, keys_of
from tests.api.conftest import FISHING
from tests.integration.helpers import cancelled_after_two_pages

DECISION = {
    "ruleset": "fishing-licence",
    "as_of": "2024-06-01",
    "answers": {"age": 70, "resident": True},
}
VERIFICATIONS = "/v1/audit/verifications"

pytestmark = pytest.mark.usefixtures("dask_cluster")  # a database's chain is verified on it


@pytest.fixture
def audited(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on SQLite or PostgreSQL that verifies at most 2 records in a request."""
    storage = SqlStorage(database_url, settings=FUNCTIONAL_DEADLINES)
    settings = {"VERIFY_DIR": str(tmp_path / "verifications"), "VERIFY_REQUEST_LIMIT": 2}
    yield create_app({"RULES": [FISHING], "STORAGE": storage, "TESTING": True, **settings})
    storage.close()


def test_a_chain_too_long_for_a_request_is_verified_as_a_job(audited: Flask) -> None:
    api, keys = audited.test_client(), keys_of(audited)
    for _ in range(3):
        assert api.post("/v1/decisions", json=DECISION, headers=keys["client"]).status_code == 201
    refused = api.get("/v1/audit/verify", headers=keys["auditor"])
    problem = assert_problem(refused, 409, "chain-too-long")
    assert "3 records" in problem["detail"] and "(2)" in problem["detail"]

    started = api.post(VERIFICATIONS, headers=keys["auditor"])
    assert started.status_code == 202
    assert started.get_json()["status"] in ("pending", "running", "done")
    job = finished(api, started.headers["Location"], keys["auditor"])

    head = api.get("/v1/audit/head", headers=keys["auditor"]).get_json()
    assert (job["status"], job["processed"], job["total"]) == ("done", 3, 3)
    assert job["created_by"].startswith("key:") and job["error"] is None  # the auditor's key
    assert job["result"]["ok"] is True and job["result"]["message"] == "ok (3 records)"
    assert job["result"]["head"] == {"sequence": 3, "hash": head["hash"]}
    listed = api.get(VERIFICATIONS, headers=keys["auditor"]).get_json()["items"]
    assert [found["id"] for found in listed] == [job["id"]]
    again = api.post(f"{VERIFICATIONS}/{job['id']}/cancel", headers=keys["auditor"])
    assert again.status_code == 202 and again.get_json() == job  # finished: left as it is


def test_a_cancelled_verification_resumes_after_the_records_it_verified(
    audited: Flask, database_url: str, tmp_path: Path
) -> None:
    api, keys = audited.test_client(), keys_of(audited)
    for _ in range(5):
        assert api.post("/v1/decisions", json=DECISION, headers=keys["client"]).status_code == 201
    storage = SqlStorage(database_url, settings=FUNCTIONAL_DEADLINES)
    jobs = ChainVerifications(tmp_path / "verifications", page=2)
    job = jobs.create("key:auditor")
    stopped = cancelled_after_two_pages(jobs, storage, job["id"])  # an earlier run, cancelled
    storage.close()
    url = f"{VERIFICATIONS}/{job['id']}"
    shown = api.get(url, headers=keys["auditor"]).get_json()
    assert (shown["status"], shown["verified_to"]) == ("cancelled", stopped["verified_to"])
    assert shown["verified_to"]["sequence"] == 3

    resumed = api.post(f"{url}/resume", headers=keys["auditor"])
    assert resumed.status_code == 202 and resumed.headers["Location"] == url
    done = finished(api, url, keys["auditor"])
    head = api.get("/v1/audit/head", headers=keys["auditor"]).get_json()
    assert (done["status"], done["processed"], done["total"]) == ("done", 5, 5)
    assert done["started_from"] == stopped["verified_to"]
    assert done["result"]["ok"] is True and done["result"]["message"] == "ok (5 records)"
    assert done["verified_to"] == done["result"]["head"] == {"sequence": 5, "hash": head["hash"]}
    again = api.post(f"{url}/resume", headers=keys["auditor"])
    assert "done" in assert_problem(again, 409, "job-not-resumable")["detail"]


def test_verifications_are_for_auditors_and_unknown_ones_are_404(audited: Flask) -> None:
    api, keys = audited.test_client(), keys_of(audited)
    for role in ("client", "author", "publisher"):
        assert_problem(api.post(VERIFICATIONS, headers=keys[role]), 403)
        assert_problem(api.get(VERIFICATIONS, headers=keys[role]), 403)
    for job_id in ("2b1e1d2a-0c7e-4a57-9d4b-7a1d1b1e2f00", "../../etc"):
        assert_problem(api.get(f"{VERIFICATIONS}/{job_id}", headers=keys["auditor"]), 404)
        cancel = api.post(f"{VERIFICATIONS}/{job_id}/cancel", headers=keys["auditor"])
        assert_problem(cancel, 404)
        resume = api.post(f"{VERIFICATIONS}/{job_id}/resume", headers=keys["auditor"])
        assert_problem(resume, 404)
    unknown = f"{VERIFICATIONS}/2b1e1d2a-0c7e-4a57-9d4b-7a1d1b1e2f00/resume"
    assert_problem(api.post(unknown, headers=keys["client"]), 403)


def test_a_checkpoint_over_more_records_than_a_request_verifies_is_refused(
    database_url: str, tmp_path: Path
) -> None:
    new_private_key(tmp_path / "signing.pem")
    checkpoints = CheckpointSettings(tmp_path / "checkpoints", tmp_path / "signing.pem")
    storage = SqlStorage(database_url, settings=FUNCTIONAL_DEADLINES)
    app = create_app(
        {"RULES": [FISHING], "STORAGE": storage, "TESTING": True, "CHECKPOINTS": checkpoints}
        | {"VERIFY_REQUEST_LIMIT": 2}
    )
    api, keys = app.test_client(), keys_of(app)
    for count in (1, 2, 3):
        assert api.post("/v1/decisions", json=DECISION, headers=keys["client"]).status_code == 201
        if count == 2:  # two records since none: verified, signed
            assert api.post("/v1/audit/checkpoints", headers=keys["auditor"]).status_code == 201
    signed = api.post("/v1/audit/checkpoints", headers=keys["auditor"])
    assert signed.status_code == 201 and signed.get_json()["sequence"] == 3  # one since #2
    for _ in range(3):
        assert api.post("/v1/decisions", json=DECISION, headers=keys["client"]).status_code == 201
    refused = api.post("/v1/audit/checkpoints", headers=keys["auditor"])
    assert "3 records to verify" in assert_problem(refused, 409, "chain-too-long")["detail"]
    head = services.write_checkpoint(storage, app.extensions["eligibility"].checkpoints)[0]
    assert head.sequence == 6  # outside a request (the server's checkpointing, the CLI)
    storage.close()
