"""API keys and roles: 401 without a usable key, 403 with the wrong role, anonymous access."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from eligibility import services
from tests.api.api_helpers import assert_problem

pytestmark = pytest.mark.usefixtures("dask_cluster")  # the replay jobs posted here run on it

EVALUATION = {"ruleset": "fishing-licence", "as_of": "2024-06-01", "answers": {"age": 70}}
SESSION = {"ruleset": "fishing-licence", "as_of": "2024-06-01"}


def test_published_rule_sets_and_evaluations_are_open_by_default(api: FlaskClient) -> None:
    assert api.get("/v1/rulesets").status_code == 200
    assert api.post("/v1/evaluations", json=EVALUATION).status_code == 200


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/v1/sessions", SESSION),
        ("post", "/v1/decisions", EVALUATION),
        ("get", "/v1/decisions", None),
        ("get", "/v1/decisions/export", None),
        ("get", "/v1/audit/verify", None),
        ("post", "/v1/replays", {"ruleset": "fishing-licence"}),
        ("post", "/v1/rulesets/fishing-licence/versions", {"ruleset": "fishing-licence"}),
        ("post", "/v1/rulesets/fishing-licence/versions/2024-01-01/retire", None),
    ],
)
def test_other_endpoints_need_a_key(api: FlaskClient, method: str, url: str, body: Any) -> None:
    response = getattr(api, method)(url, json=body)
    assert_problem(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("role", "method", "url", "body"),
    [
        ("auditor", "post", "/v1/sessions", SESSION),
        ("auditor", "post", "/v1/decisions", EVALUATION),
        ("client", "get", "/v1/decisions", None),
        ("client", "get", "/v1/audit/verify", None),
        ("author", "post", "/v1/rulesets/fishing-licence/versions/2024-01-01/publish", None),
        ("client", "post", "/v1/rulesets/fishing-licence/versions", {"ruleset": "x"}),
        ("publisher", "post", "/v1/replays", {"ruleset": "fishing-licence"}),
    ],
)
def test_the_wrong_role_is_403(
    api: FlaskClient, keys: Any, role: str, method: str, url: str, body: Any
) -> None:
    response = getattr(api, method)(url, json=body, headers=keys[role])
    assert_problem(response, 403, "forbidden")


@pytest.mark.parametrize(
    "authorization", ["Bearer nope", "Basic dXNlcjpwYXNz", "Bearer", "token", "Bearer " + "x" * 300]
)
def test_a_bad_key_is_401_even_where_anonymous_is_allowed(
    api: FlaskClient, authorization: str
) -> None:
    response = api.get("/v1/rulesets", headers={"Authorization": authorization})
    assert_problem(response, 401, "unauthorized")


def test_a_revoked_key_is_401(api: FlaskClient, stored_app: Flask) -> None:
    store = stored_app.extensions["eligibility"].storage
    token, key = services.create_key(store, "client", "soon revoked")
    headers = {"Authorization": f"Bearer {token}"}
    assert api.post("/v1/sessions", json=SESSION, headers=headers).status_code == 201
    services.revoke_key(store, key.id)
    assert_problem(api.post("/v1/sessions", json=SESSION, headers=headers), 401)


def test_anonymous_access_can_be_switched_off(database_url: str, make_app: Any) -> None:
    from eligibility.storage.sql import SqlStorage

    storage = SqlStorage(database_url)
    try:
        app = make_app(STORAGE=storage, ANONYMOUS_ACCESS=False)
        api = app.test_client()
        assert_problem(api.get("/v1/rulesets"), 401)
        assert_problem(api.post("/v1/evaluations", json=EVALUATION), 401)
        token, _ = services.create_key(storage, "client", "c")
        headers = {"Authorization": f"Bearer {token}"}
        assert api.get("/v1/rulesets", headers=headers).status_code == 200
        assert api.post("/v1/evaluations", json=EVALUATION, headers=headers).status_code == 200
        token, _ = services.create_key(storage, "auditor", "a")
        auditor = {"Authorization": f"Bearer {token}"}
        assert_problem(api.post("/v1/evaluations", json=EVALUATION, headers=auditor), 403)
        assert api.get("/healthz").status_code == 200
    finally:
        storage.close()


def test_keys_are_stored_hashed(api: FlaskClient, stored_app: Flask) -> None:
    store = stored_app.extensions["eligibility"].storage
    token, key = services.create_key(store, "client", "hashed")
    assert token not in repr(store.keys.get(key.id))


def test_the_roles_in_the_reference_are_the_ones_enforced(
    api: FlaskClient, keys: dict[str, dict[str, str]]
) -> None:
    spec = api.get("/openapi.json").get_json()
    body = {"ruleset": "fishing-licence", "as_of": "2024-03-01", "answers": {}}
    evaluation = spec["paths"]["/v1/evaluations"]["post"]
    assert evaluation["x-anonymous"] is True
    assert "or no key at all" in evaluation["description"]
    for role, headers in keys.items():
        status = api.post("/v1/evaluations", json=body, headers=headers).status_code
        assert (status == 200) == (role in evaluation["x-roles"]), role
    assert api.post("/v1/evaluations", json=body).status_code == 200  # no key
    recording = spec["paths"]["/v1/decisions"]["post"]
    assert recording["x-anonymous"] is False
    assert recording["security"] == [{"apiKey": []}]
    assert "`client`" in recording["description"]


def test_the_reference_says_when_anonymous_access_is_off(make_app: Any) -> None:
    client = make_app(ANONYMOUS_ACCESS=False).test_client()
    evaluation = client.get("/openapi.json").get_json()["paths"]["/v1/evaluations"]["post"]
    assert evaluation["x-anonymous"] is False
    assert evaluation["security"] == [{"apiKey": []}]
    assert "no key at all" not in evaluation["description"]
    assert client.post("/v1/evaluations", json={"ruleset": "fishing-licence"}).status_code == 401
