"""/metrics (Prometheus) and structured logs with a request id (no answers, no keys)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from api.logs import JsonFormatter
from eligibility import services
from eligibility.errors import StorageUnavailable

EVALUATION = {
    "ruleset": "fishing-licence",
    "version": "2024-01-01",
    "answers": {"age": 70, "resident": True},
}


def samples(client: FlaskClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics by name and labels."""
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for s in family.samples:
            found[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return found


def value(found: dict[Any, float], name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def app(make_app: Any) -> Flask:
    built: Flask = make_app()
    return built


@pytest.fixture
def client_key(app: Flask) -> dict[str, str]:
    token, _ = services.create_key(app.extensions["eligibility"].storage, "client", "c")
    return {"Authorization": f"Bearer {token}"}


def test_requests_evaluations_and_decisions_are_counted(
    app: Flask, client_key: dict[str, str]
) -> None:
    client = app.test_client()
    before = samples(client)
    assert client.post("/v1/evaluations", json=EVALUATION).status_code == 200
    assert client.get("/v1/rulesets/nope").status_code == 404
    recorded = client.post("/v1/decisions", json=EVALUATION, headers=client_key)
    assert recorded.status_code == 201, recorded.get_data(as_text=True)
    after = samples(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    route = {"route": "/v1/evaluations", "method": "POST"}
    assert grew("eligibility_http_requests_total", **route, status="200") == 1
    assert grew("eligibility_http_request_duration_seconds_count", **route) == 1
    assert grew("eligibility_http_request_duration_seconds_bucket", **route, le="+Inf") == 1
    missing = {"route": "/v1/rulesets/<ruleset_id>", "method": "GET", "status": "404"}
    assert grew("eligibility_http_requests_total", **missing) == 1  # the template, not the id
    version = {"ruleset": "fishing-licence", "version": "2024-01-01"}
    assert grew("eligibility_evaluations_total", **version) == 2  # evaluated, then recorded
    assert grew("eligibility_decisions_recorded_total") == 1
    assert value(after, "eligibility_chain_length") == 1
    assert value(after, "eligibility_sessions_open") == 0


def test_open_sessions_verification_and_database_errors(
    app: Flask, client_key: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    store = app.extensions["eligibility"].storage
    started = client.post(
        "/v1/sessions",
        json={"ruleset": "fishing-licence", "version": "2024-01-01"},
        headers=client_key,
    )
    assert started.status_code == 201
    assert value(samples(client), "eligibility_sessions_open") == 1
    token, _ = services.create_key(store, "auditor", "a")
    assert client.get("/v1/audit/verify", headers={"Authorization": f"Bearer {token}"}).json
    found = samples(client)
    assert value(found, "eligibility_chain_last_verification_ok") == 1
    assert value(found, "eligibility_chain_last_verification_timestamp_seconds") > 0
    errors_before = value(found, "eligibility_database_errors_total")

    def down(*args: Any) -> Any:
        raise StorageUnavailable("the database is down")

    monkeypatch.setattr(store.sessions, "get", down)
    monkeypatch.setattr(store.sessions, "count_open", down)
    assert client.get(started.headers["Location"], headers=client_key).status_code == 503
    found = samples(client)  # the gauges that need the database are left out
    assert ("eligibility_sessions_open", ()) not in found
    assert value(found, "eligibility_database_errors_total") - errors_before == 1
    again = samples(client)  # the scrape's own failure shows in the next one
    assert value(again, "eligibility_database_errors_total") - errors_before == 2


def test_requests_carry_an_id_and_log_one_json_line_without_answers(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    secret = {
        "ruleset": "fishing-licence",
        "version": "2024-01-01",
        "answers": {"age": 30, "income": "4711.00", "resident": True},
    }
    with caplog.at_level(logging.INFO, logger="api.access"):
        given = client.post("/v1/evaluations", json=secret, headers={"X-Request-Id": "abc-123"})
        made = client.post("/v1/evaluations", json=secret, headers={"X-Request-Id": "bad id!"})
        client.get("/v1/rulesets", headers={"Authorization": "Bearer elig_not_a_key"})
    assert given.headers["X-Request-Id"] == "abc-123"
    assert len(made.headers["X-Request-Id"]) == 32 and made.headers["X-Request-Id"] != "bad id!"
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records]
    first = next(line for line in lines if line.get("request_id") == "abc-123")
    assert first["route"] == "/v1/evaluations" and first["status"] == 200
    assert first["method"] == "POST" and first["duration_ms"] >= 0
    assert first["logger"] == "api.access" and first["level"] == "info"
    text = "\n".join(json.dumps(line) for line in lines)
    assert "4711" not in text and "elig_not_a_key" not in text and "Bearer" not in text


def test_the_formatter_writes_exceptions_and_fields_as_json() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed %s", ("here",), None)
        record.exc_info = __import__("sys").exc_info()
    record.fields = {"status": 500}  # type: ignore[attr-defined]
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "failed here" and line["status"] == 500
    assert "ValueError: boom" in line["exception"]


def test_each_append_transaction_is_observed_with_its_size(
    stored_app: Flask, api: FlaskClient
) -> None:
    token, _ = services.create_key(stored_app.extensions["eligibility"].storage, "client", "c")
    before = samples(api)
    for age in (70, 71):
        answers = {"age": age, "resident": True}
        recorded = api.post(
            "/v1/decisions",
            json={**EVALUATION, "answers": answers},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert recorded.status_code == 201
    after = samples(api)
    name = "eligibility_decision_batch_size"
    assert value(after, f"{name}_count") - value(before, f"{name}_count") == 2
    assert value(after, f"{name}_sum") - value(before, f"{name}_sum") == 2  # alone: 1 each
