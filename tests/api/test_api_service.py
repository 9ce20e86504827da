"""Health, readiness, storage outages, CORS, settings, OpenAPI document and docs page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from api.config import Config
from eligibility.storage.sql import SqlStorage
from tests.api.api_helpers import assert_problem

pytestmark = pytest.mark.usefixtures("dask_cluster")  # the replay jobs posted here run on it

DOWN = "postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=1"


def test_healthz_and_readyz(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz").get_json()
    assert ready == {
        "status": "ready",
        "storage": "ok",
        "rulesets": 1,
        "versions": 1,
        "rule_file_problems": [],
    }


def test_readyz_on_a_real_database(api: FlaskClient) -> None:
    assert api.get("/readyz").get_json()["status"] == "ready"


def test_storage_down_is_503_and_healthz_stays_up(make_app: Any) -> None:
    storage = SqlStorage(DOWN)
    try:
        client = make_app(STORAGE=storage).test_client()
        assert client.get("/healthz").status_code == 200
        response = client.get("/readyz")
        assert_problem(response, 503, "service-unavailable")
        assert response.headers["Retry-After"]
        body = {"ruleset": "fishing-licence", "answers": {}}
        response = client.post("/v1/evaluations", json=body)
        problem = assert_problem(response, 503, "service-unavailable")
        assert "nowhere" not in response.get_data(as_text=True)
        assert "psycopg" not in problem.get("detail", "")
    finally:
        storage.close()


def test_cors_is_off_by_default(client: FlaskClient) -> None:
    response = client.get("/v1/rulesets", headers={"Origin": "https://forms.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_origins(make_app: Any) -> None:
    client = make_app(CORS_ORIGINS=["https://forms.example"]).test_client()
    allowed = client.options(
        "/v1/evaluations",
        headers={
            "Origin": "https://forms.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type, Authorization",
        },
    )
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://forms.example"
    assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
    response = client.get("/v1/rulesets", headers={"Origin": "https://forms.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://forms.example"
    assert "Content-Language" in response.headers["Access-Control-Expose-Headers"]
    other = client.get("/v1/rulesets", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_settings_from_the_environment() -> None:
    config = Config.from_env(
        {
            "DATABASE_URL": "sqlite:///x.db",
            "ELIGIBILITY_RULES": "rules,more",
            "ANONYMOUS_ACCESS": "false",
            "CORS_ORIGINS": "https://a.example, https://b.example",
            "SESSION_IDLE_SECONDS": "60",
            "MAX_CONTENT_LENGTH": "2048",
            "ELIGIBILITY_ENGINE": "pure",
            "VERIFY_DIR": "/var/lib/verifications",
            "VERIFY_REQUEST_LIMIT": "20000",
        }
    )
    assert config.database_url == "sqlite:///x.db"
    assert config.rules == ("rules", "more")
    assert config.anonymous_access is False
    assert config.cors_origins == ("https://a.example", "https://b.example")
    assert (config.session_idle_seconds, config.max_content_length) == (60, 2048)
    assert config.engine == "pure"
    assert (config.verify_dir, config.verify_request_limit) == ("/var/lib/verifications", 20000)
    assert Config.from_env({}) == Config()
    with pytest.raises(ValueError, match="true or false"):
        Config.from_env({"ANONYMOUS_ACCESS": "maybe"})


def test_the_pure_engine_gives_the_same_answers(make_app: Any) -> None:
    body = {"ruleset": "fishing-licence", "as_of": "2024-06-01", "answers": {"age": 70}}
    durable = make_app().test_client().post("/v1/evaluations", json=body).get_json()
    pure = make_app(ENGINE="pure").test_client().post("/v1/evaluations", json=body).get_json()
    assert durable == pure


def test_the_openapi_document(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    paths = spec["paths"]
    expected = {
        "/healthz": {"get"},
        "/readyz": {"get"},
        "/v1/rulesets": {"get"},
        "/v1/rulesets/{ruleset_id}": {"get"},
        "/v1/rulesets/{ruleset_id}/versions": {"post"},
        "/v1/rulesets/{ruleset_id}/versions/{version}": {"get"},
        "/v1/rulesets/{ruleset_id}/versions/{version}/questions": {"get", "post"},
        "/v1/rulesets/{ruleset_id}/versions/{version}/publish": {"post"},
        "/v1/rulesets/{ruleset_id}/versions/{version}/retire": {"post"},
        "/v1/rulesets/{ruleset_id}/versions/{version}/changes": {"get"},
        "/v1/rulesets/{ruleset_id}/versions/{version}/coverage": {"get"},
        "/v1/rulesets/{ruleset_id}/versions/{version}/correction-impact": {"get"},
        "/v1/evaluations": {"post"},
        "/v1/sessions": {"post"},
        "/v1/sessions/{session_id}": {"get"},
        "/v1/sessions/{session_id}/answers": {"patch"},
        "/v1/sessions/{session_id}/answers/{question}": {"delete"},
        "/v1/sessions/{session_id}/decision": {"post"},
        "/v1/decisions": {"get", "post"},
        "/v1/decisions/export": {"get"},
        "/v1/decisions/{decision_id}": {"get"},
        "/v1/decisions/{decision_id}/replay": {"post"},
        "/v1/decisions/{decision_id}/report": {"get"},
        "/v1/audit/verify": {"get"},
        "/v1/audit/head": {"get"},
        "/v1/audit/checkpoints": {"post"},
        "/v1/audit/checkpoints/latest": {"get"},
        "/v1/audit/verifications": {"get", "post"},
        "/v1/audit/verifications/{job_id}": {"get"},
        "/v1/audit/verifications/{job_id}/cancel": {"post"},
        "/v1/audit/verifications/{job_id}/resume": {"post"},
        "/v1/replays": {"get", "post"},
        "/v1/replays/{job_id}": {"get"},
        "/v1/replays/{job_id}/results": {"get"},
        "/v1/replays/{job_id}/cancel": {"post"},
        "/v1/replays/{job_id}/resume": {"post"},
        "/v1/replays/{job_id}/report": {"get"},
        "/v1/replays/{job_id}/affected": {"get"},
        "/v1/batches": {"post"},
        "/v1/batches/{job_id}": {"get"},
        "/v1/batches/{job_id}/cancel": {"post"},
        "/v1/batches/{job_id}/resume": {"post"},
        "/v1/batches/{job_id}/report": {"get"},
        "/v1/batches/{job_id}/affected": {"get"},
        "/v1/replays/{job_id}/impact": {"get"},
        "/v1/rulesets/{ruleset_id}/versions/{version}/impact": {"post"},
    }
    assert {p: set(ops) for p, ops in paths.items()} == expected
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for path, operations in paths.items():
        for method, op in operations.items():
            assert op["summary"], (path, method)
            errors = {s: r for s, r in op["responses"].items() if int(s) >= 400}
            assert "500" in errors
            for response in errors.values():
                assert response["content"]["application/problem+json"]["schema"] == problem_ref
    evaluation = paths["/v1/evaluations"]["post"]
    assert {"400", "413", "415", "422", "404"} <= set(evaluation["responses"])
    assert "Problem" in spec["components"]["schemas"]
    assert "Evaluation" in spec["components"]["schemas"]
    value = spec["components"]["schemas"]["Goal"]["properties"]["value"]
    assert "string" in value["type"] and "null" in value["type"]


def test_the_docs_page_is_swagger_ui_served_from_here(client: FlaskClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy
    page = response.get_data(as_text=True)
    assert 'data-openapi="/openapi.json"' in page
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assets = [s for s in sources if s.startswith("/docs/")]
    assert "/docs/swagger-ui/swagger-ui-bundle.js" in assets
    assert not [s for s in sources if "//" in s]  # nothing from another server
    for asset in assets:
        with client.get(asset) as fetched:
            assert fetched.status_code == 200, asset
            assert fetched.headers["X-Content-Type-Options"] == "nosniff"
    assert "validatorUrl: null" in text_of(client, "/docs/assets/docs.js")  # no outside validator
    # the licence travels with the vendored files
    assert "Apache License" in text_of(client, "/docs/swagger-ui/LICENSE")
    assert "SmartBear" in text_of(client, "/docs/swagger-ui/NOTICE")
    assert client.get("/docs/swagger-ui/../docs_page.py").status_code == 404


def text_of(client: FlaskClient, url: str) -> str:
    with client.get(url) as response:
        assert response.status_code == 200, url
        return response.get_data(as_text=True)


def test_the_docs_page_works_without_javascript(client: FlaskClient) -> None:
    page = client.get("/docs").get_data(as_text=True)
    plain = page[page.index("<noscript>") : page.index("</noscript>")]
    assert "/v1/evaluations" in plain and "/openapi.json" in plain
    assert plain.index(">rulesets<") < plain.index(">evaluations<") < plain.index(">health<")


def test_tags_come_in_the_order_of_use_with_descriptions(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    names = [t["name"] for t in spec["tags"]]
    assert names == [
        "rulesets",
        "evaluations",
        "sessions",
        "decisions",
        "authoring",
        "audit",
        "batch",
        "health",
    ]
    assert all(t["description"] for t in spec["tags"])
    used = {op["tags"][0] for ops in spec["paths"].values() for op in ops.values()}
    assert used <= set(names)


def test_examples_of_bodies_are_in_the_reference(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    content = spec["paths"]["/v1/evaluations"]["post"]["requestBody"]["content"]
    examples = content["application/json"]["examples"]
    assert examples["by date"]["value"]["ruleset"] == "snap"
