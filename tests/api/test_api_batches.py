"""`/v1/batches`: populations assessed as jobs, their progress, report, affected claims, cancel."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from flask import Flask

from eligibility import services
from eligibility.batch.assess_plan import COUNTS
from eligibility.batch.jobs import BatchJobs
from tests.api.api_helpers import assert_problem, finished, keys_of
from tests.api.conftest import AppFactory
from tests.integration.test_versions_storage import NEXT_YEAR

pytestmark = pytest.mark.usefixtures("dask_cluster")  # jobs run on it
POPULATION = "id,age,income,resident\na,30,1100.00,true\nb,70,,true\nc,thirty,900.00,true\n"


@pytest.fixture
def app(make_app: AppFactory, tmp_path: Path) -> Flask:
    built = make_app(BATCH_DIR=str(tmp_path / "batches"))
    services.create_draft(built.extensions["eligibility"].storage, NEXT_YEAR, "author-1")
    return built


def test_a_population_is_assessed_with_its_report(app: Flask) -> None:
    api, keys = app.test_client(), keys_of(app)
    query = "?ruleset=fishing-licence&version=2024-01-01&reform=2025-01-01"
    started = api.post(
        "/v1/batches" + query,
        data=POPULATION,
        headers={**keys["author"], "Content-Type": "text/csv"},
    )
    assert started.status_code == 202, started.get_json()
    job = finished(api, started.headers["Location"], keys["author"])
    assert (job["status"], job["total"], job["processed"]) == ("done", 3, 3)
    assert job["rate"] > 0 and job["population"] == "csv"
    url = started.headers["Location"]
    report = api.get(url + "/report", headers=keys["author"]).get_json()
    assert (report["assessed"], report["failed"], report["changed"]) == (2, 1, 1)
    assert report["errors"][0]["line"] == 4
    assert report["eligibility"][0]["lost"] == 1
    page = api.get(url + "/report?format=html", headers=keys["author"])
    assert page.mimetype == "text/html" and "Reduced licence" in page.get_data(as_text=True)
    download = api.get(url + "/affected", headers=keys["author"])
    job_id = url.rsplit("/", 1)[1]
    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="affected-{job_id[:8]}.csv"'
    )
    assert download.is_streamed
    affected = download.get_data(as_text=True)
    (row,) = list(csv.DictReader(io.StringIO(affected)))
    assert (row["id"], row["Reduced licence (eligible)"]) == ("a", "true → false")
    assert_problem(api.get(url, headers=keys["publisher"]), 404)  # another's job
    assert api.get(url, headers=keys["auditor"]).status_code == 200
    assert_problem(api.get(url, headers=keys["client"]), 403)


def test_refusals_and_cancelling(app: Flask) -> None:
    api, keys = app.test_client(), keys_of(app)
    base = "/v1/batches?ruleset=fishing-licence&version=2024-01-01"
    sent = {**keys["author"], "Content-Type": "application/pdf"}
    assert_problem(api.post(base, data=b"%PDF", headers=sent), 415)
    csv_type = {**keys["author"], "Content-Type": "text/csv"}
    missing = api.post(base.replace("2024-01-01", "1999-01-01"), data=POPULATION, headers=csv_type)
    assert_problem(missing, 404)
    started = api.post(base, data=POPULATION, headers=csv_type)
    url = started.headers["Location"]
    cancelled = api.post(url + "/cancel", headers=keys["author"])
    assert cancelled.status_code == 202
    job = finished(api, url, keys["author"])
    assert job["status"] in ("cancelled", "done")  # it may have finished before the cancel
    again = api.post(url + "/cancel", headers=keys["author"]).get_json()
    assert again["status"] == job["status"]
    assert_problem(api.get("/v1/batches/not-a-job", headers=keys["auditor"]), 404)
    assert_problem(api.get("/v1/batches/../../etc", headers=keys["auditor"]), 404)


def test_a_new_job_removes_the_finished_jobs_beyond_the_retention(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(BATCH_DIR=str(tmp_path / "batches"), BATCH_KEEP_JOBS=1)
    api, keys = app.test_client(), keys_of(app)
    base = "/v1/batches?ruleset=fishing-licence&version=2024-01-01"
    csv_type = {**keys["author"], "Content-Type": "text/csv"}
    made = []
    for _ in range(3):  # each new job makes room: one finished job kept besides it
        made.append(api.post(base, data=POPULATION, headers=csv_type).headers["Location"])
        assert finished(api, made[-1], keys["author"])["status"] == "done"
    assert_problem(api.get(made[0], headers=keys["author"]), 404)
    assert api.get(made[1], headers=keys["author"]).status_code == 200
    kept = {p.name for p in (tmp_path / "batches").iterdir()}
    assert kept == {url.rsplit("/", 1)[1] for url in made[1:]}


def test_resuming_a_failed_assessment(app: Flask, tmp_path: Path) -> None:
    api, keys = app.test_client(), keys_of(app)
    query = "?ruleset=fishing-licence&version=2024-01-01&reform=2025-01-01"
    sent = {**keys["author"], "Content-Type": "text/csv"}
    url = api.post("/v1/batches" + query, data=POPULATION, headers=sent).headers["Location"]
    done = finished(api, url, keys["author"])
    assert done["status"] == "done"
    refused = assert_problem(api.post(url + "/resume", headers=keys["author"]), 409)
    assert refused["type"].endswith("/problems/job-not-resumable")
    assert refused["detail"].startswith(f"batch job {done['id']} is done: only a failed job")
    stored = BatchJobs(tmp_path / "batches")
    shutil.rmtree(stored.files.folder(done["id"]) / COUNTS)  # its process stopped before them
    stored.files.finish(stored.get(done["id"]), "failed", "interrupted: the process stopped")
    resumed = api.post(url + "/resume", headers=keys["author"])
    assert resumed.status_code == 202 and resumed.headers["Location"] == url
    assert (resumed.get_json()["status"], resumed.get_json()["error"]) == ("pending", None)
    again = finished(api, url, keys["author"])
    assert (again["status"], again["processed"], again["error"]) == ("done", 3, None)
    assert again["started_at"] == done["started_at"]  # when it began, not when it resumed
    report = api.get(url + "/report", headers=keys["author"]).get_json()
    assert (report["assessed"], report["failed"], report["changed"]) == (2, 1, 1)
    assert_problem(api.post(url + "/resume", headers=keys["publisher"]), 404)  # another's
    assert_problem(api.post("/v1/batches/not-a-job/resume", headers=keys["author"]), 404)
