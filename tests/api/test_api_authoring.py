"""Drafts, publishing and retiring through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from flask.testing import FlaskClient

from eligibility import services
from eligibility.catalogue import compile_cache
from eligibility.engine import durable
from eligibility.storage.sql import SqlStorage
from tests.api.api_helpers import assert_problem

VERSIONS = "/v1/rulesets/fishing-licence/versions"
DRAFT_2025 = """\
ruleset: fishing-licence
version: "2025-01-01"
extends: "2024-01-01"
effective_from: 2025-01-01
parameters:
  income_limit:
    value: 1000.00
    legal_reference: "Fisheries Act § 12 (2) as amended"
scenarios:
  - name: the lower limit refuses an income of 1100
    answers: {age: 30, income: "1100.00", resident: true}
    expect: {eligible: false}
"""
YAML = "application/yaml"


def post_draft(api: FlaskClient, keys: Any, text: str = DRAFT_2025, **kwargs: Any) -> Any:
    return api.post(VERSIONS, data=text, content_type=YAML, headers=keys["author"], **kwargs)


def test_a_draft_from_yaml(api: FlaskClient, keys: Any) -> None:
    response = post_draft(api, keys)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == "draft"
    assert body["version"] == "2025-01-01"
    assert response.headers["Location"] == f"{VERSIONS}/2025-01-01"
    params = {p["id"]: p for p in body["parameters"]}
    assert params["income_limit"]["value"] == "1000.00"
    assert [q["id"] for q in body["questions"]] == ["age", "income", "resident"]


def test_drafts_are_hidden_from_the_public(api: FlaskClient, keys: Any) -> None:
    post_draft(api, keys)
    assert_problem(api.get(f"{VERSIONS}/2025-01-01"), 404)
    assert_problem(api.get(f"{VERSIONS}/2025-01-01", headers=keys["client"]), 404)
    assert api.get(f"{VERSIONS}/2025-01-01", headers=keys["author"]).status_code == 200
    public = api.get("/v1/rulesets/fishing-licence").get_json()
    assert [v["version"] for v in public["versions"]] == ["2024-01-01"]
    seen = api.get("/v1/rulesets/fishing-licence", headers=keys["publisher"]).get_json()
    assert [v["status"] for v in seen["versions"]] == ["published", "draft"]
    body = {"ruleset": "fishing-licence", "version": "2025-01-01", "answers": {}}
    assert_problem(api.post("/v1/evaluations", json=body), 404)
    drafted = api.post("/v1/evaluations", json=body, headers=keys["author"])
    assert drafted.status_code == 200


def test_a_draft_from_json_keeps_decimals_exact(api: FlaskClient, keys: Any) -> None:
    document = yaml.safe_load(DRAFT_2025)
    document["effective_from"] = "2025-01-01"
    data = json.dumps(document).replace('"value": 1000.0', '"value": 1000.10')
    response = api.post(
        VERSIONS, data=data, content_type="application/json", headers=keys["author"]
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    params = {p["id"]: p for p in response.get_json()["parameters"]}
    assert params["income_limit"]["value"] == "1000.10"


def test_every_problem_is_reported_with_its_line(api: FlaskClient, keys: Any) -> None:
    broken = DRAFT_2025.replace(
        "scenarios:",
        "rules:\n  is_senior: {when: agee >= 65}\n"
        "derived:\n  monthly_income_rounded: {value: round(incom)}\nscenarios:",
    )
    body = assert_problem(post_draft(api, keys, broken), 422, "invalid-ruleset")
    assert len(body["problems"]) >= 2
    assert all("line" in p and "column" in p for p in body["problems"])
    assert "file" not in body["problems"][0]
    assert "did you mean 'age'" in body["errors"]["/rules/is_senior/when"][0]
    assert "/derived/monthly_income_rounded/value" in body["errors"]


def test_yaml_syntax_errors_have_a_line(api: FlaskClient, keys: Any) -> None:
    body = assert_problem(post_draft(api, keys, "ruleset: [unclosed\n"), 422, "invalid-ruleset")
    assert body["problems"][0]["line"] >= 1


def reviewed(api: FlaskClient, keys: Any, version: str = "2025-01-01") -> dict[str, str]:
    """The publisher's headers with the ETag of the version as read (what was reviewed)."""
    read = api.get(f"{VERSIONS}/{version}", headers=keys["publisher"])
    assert read.headers["ETag"] == f'"{read.get_json()["content_hash"]}"'
    return {**keys["publisher"], "If-Match": read.headers["ETag"]}


def test_publish_then_never_change(api: FlaskClient, keys: Any) -> None:
    post_draft(api, keys)
    url = f"{VERSIONS}/2025-01-01/publish"
    headers = reviewed(api, keys)
    response = api.post(url, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert (response.get_json()["status"], response.get_json()["notices"]) == ("published", [])
    assert response.headers["ETag"] == headers["If-Match"]
    again = api.post(url, headers=headers)  # a no-op, and it says so
    assert again.status_code == 200
    (notice,) = again.get_json()["notices"]
    assert notice.startswith("fishing-licence 2025-01-01 was already published on ")
    assert notice.endswith("; nothing changed")
    changed = DRAFT_2025.replace("1000.00", "999.00")
    assert_problem(post_draft(api, keys, changed), 409, "immutable-version")
    body = {"ruleset": "fishing-licence", "as_of": "2025-03-01", "answers": {"age": 70}}
    assert api.post("/v1/evaluations", json=body).get_json()["ruleset"]["version"] == "2025-01-01"


@pytest.mark.parametrize("status", ["published", "retired"])
def test_a_status_sent_in_a_draft_is_not_kept_and_the_response_says_so(
    api: FlaskClient, keys: Any, status: str
) -> None:
    sent = DRAFT_2025.replace('extends: "2024-01-01"', f'extends: "2024-01-01"\nstatus: {status}')
    response = post_draft(api, keys, sent)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == "draft"
    (notice,) = body["notices"]
    assert f"'status: {status}'" in notice and "stored as a draft" in notice
    as_json = yaml.safe_load(sent)
    as_json["effective_from"] = "2025-01-01"
    drafted = api.post(VERSIONS, json=as_json, headers=keys["author"]).get_json()
    assert drafted["notices"] == body["notices"]
    plain = post_draft(api, keys, DRAFT_2025.replace("1000.00", "990.00")).get_json()
    assert plain["notices"] == []
    spec = api.get("/openapi.json").get_json()
    assert "notices" in spec["components"]["schemas"]["AuthoredVersion"]["required"]


def test_publishing_needs_passing_scenarios(api: FlaskClient, keys: Any) -> None:
    failing = DRAFT_2025.replace("expect: {eligible: false}", "expect: {eligible: true}")
    assert post_draft(api, keys, failing).status_code == 201
    response = api.post(f"{VERSIONS}/2025-01-01/publish", headers=reviewed(api, keys))
    body = assert_problem(response, 422, "scenarios-failed")
    assert body["failures"][0]["scenario"] == "the lower limit refuses an income of 1100"


def test_retire(api: FlaskClient, keys: Any) -> None:
    response = api.post(f"{VERSIONS}/2024-01-01/retire", headers=keys["publisher"])
    assert response.status_code == 200
    assert response.get_json()["status"] == "retired"
    again = api.post(f"{VERSIONS}/2024-01-01/retire", headers=keys["publisher"]).get_json()
    assert "was already retired on " in again["notices"][0]
    body = {"ruleset": "fishing-licence", "as_of": "2024-06-01", "answers": {}}
    assert_problem(api.post("/v1/evaluations", json=body), 422, "no-version-applies")
    post_draft(api, keys)
    draft = api.post(f"{VERSIONS}/2025-01-01/retire", headers=keys["publisher"])
    assert_problem(draft, 409, "conflict")
    assert_problem(api.post(f"{VERSIONS}/1999/retire", headers=keys["publisher"]), 404)


def test_the_document_must_be_of_this_rule_set(api: FlaskClient, keys: Any) -> None:
    other = DRAFT_2025.replace("ruleset: fishing-licence", "ruleset: snap")
    body = assert_problem(post_draft(api, keys, other), 422, "invalid-request")
    assert "snap" in body["errors"]["/ruleset"][0]


@pytest.mark.parametrize(
    ("text", "content_type", "status"),
    [
        (
            'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
            + "".join(
                f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
                for p, c in zip("abcdefgh", "bcdefghi", strict=True)
            ),
            YAML,
            422,
        ),
        ("[" * 5000 + "]" * 5000, YAML, 422),
        ('{"a":' * 100 + "1" + "}" * 100, "application/json", 422),
        ("ruleset: x", "text/plain", 415),
        ("[1, 2]", "application/json", 422),
        ("{", "application/json", 400),
        ("", YAML, 422),
    ],
    ids=["billion-laughs", "deep-yaml", "deep-json", "text", "json-list", "bad-json", "empty"],
)
def test_hostile_and_wrong_bodies(
    api: FlaskClient, keys: Any, text: str, content_type: str, status: int
) -> None:
    response = api.post(VERSIONS, data=text, content_type=content_type, headers=keys["author"])
    assert_problem(response, status)


def test_publishing_needs_the_reviewed_content_hash(api: FlaskClient, keys: Any) -> None:
    sent = post_draft(api, keys)
    url = f"{VERSIONS}/2025-01-01/publish"
    for missing in ({}, {"If-Match": "*"}, {"If-Match": "not-a-hash"}):
        body = assert_problem(
            api.post(url, headers={**keys["publisher"], **missing}), 428, "precondition-required"
        )
        assert "If-Match" in body["errors"]
    headers = reviewed(api, keys)
    assert headers["If-Match"] == sent.headers["ETag"]
    resent = post_draft(api, keys, DRAFT_2025.replace("1000.00", "950.00"))  # after the review
    assert resent.headers["ETag"] != headers["If-Match"]
    stale = api.post(url, headers=headers)
    assert_problem(stale, 412, "precondition-failed")
    assert stale.headers["ETag"] == resent.headers["ETag"]
    still = api.get(f"{VERSIONS}/2025-01-01", headers=keys["publisher"]).get_json()
    assert still["status"] == "draft"
    published = api.post(url, headers=reviewed(api, keys))
    assert published.get_json()["status"] == "published"
    params = {p["id"]: p for p in published.get_json()["parameters"]}
    assert params["income_limit"]["value"] == "950.00"
    assert_problem(api.post(url, headers=headers), 412)  # published, but not what was reviewed


def test_maker_checker_refuses_the_author_as_publisher(make_app: Any, database_url: str) -> None:
    storage = SqlStorage(database_url)
    try:
        app = make_app(STORAGE=storage, PUBLISH_MAKER_CHECKER=True)
        api = app.test_client()
        tokens = {}
        for role, name in (("author", "Alice"), ("publisher", "alice "), ("publisher", "Bob")):
            token, _ = services.create_key(storage, role, name)  # type: ignore[arg-type]
            tokens[(role, name)] = {"Authorization": f"Bearer {token}"}
        author = {"author": tokens[("author", "Alice")], "publisher": tokens[("publisher", "Bob")]}
        post_draft(api, author)
        url = f"{VERSIONS}/2025-01-01/publish"
        alice = {**tokens[("publisher", "alice ")], "If-Match": reviewed(api, author)["If-Match"]}
        refused = assert_problem(api.post(url, headers=alice), 403, "maker-checker")
        assert "another person must publish it" in refused["detail"]
        bob = reviewed(api, author)
        assert api.post(url, headers=bob).get_json()["status"] == "published"
    finally:
        storage.close()


def test_distinct_drafts_do_not_grow_a_worker_without_end(
    api: FlaskClient, keys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = compile_cache()
    monkeypatch.setattr(cache, "capacity", 3)
    engine = durable.DurableRuntime(capacity=3)
    monkeypatch.setattr(durable, "_runtime", engine)
    for n in range(8):  # each a distinct content, sent, read back and evaluated by its author
        text = DRAFT_2025.replace("1000.00", f"{900 + n}.00")
        assert post_draft(api, keys, text).status_code == 201
        assert api.get(f"{VERSIONS}/2025-01-01", headers=keys["author"]).status_code == 200
        body = {"ruleset": "fishing-licence", "version": "2025-01-01", "answers": {"age": 70}}
        assert api.post("/v1/evaluations", json=body, headers=keys["author"]).status_code == 200
        assert len(cache) <= 3
        assert len(engine.versions) <= 3
        assert sum(not v.registration.freed for v in engine.versions.values()) <= 3


def test_a_version_keeps_the_link_to_the_version_it_extends(api: FlaskClient, keys: Any) -> None:
    assert post_draft(api, keys).get_json()["extends"] == "2024-01-01"
    version = api.get(f"{VERSIONS}/2025-01-01", headers=keys["author"]).get_json()
    assert version["extends"] == "2024-01-01"
    listed = api.get("/v1/rulesets/fishing-licence", headers=keys["author"]).get_json()
    assert [(v["version"], v["extends"]) for v in listed["versions"]] == [
        ("2024-01-01", None),
        ("2025-01-01", "2024-01-01"),
    ]


def test_rule_files_keep_the_link_too(examples: FlaskClient) -> None:
    versions = examples.get("/v1/rulesets/kurzarbeitergeld").get_json()["versions"]
    links = {v["version"]: v["extends"] for v in versions}
    assert links["2016-01-01"] is None
    assert links["2020-03-01"] == "2016-01-01"


def test_a_version_extending_a_draft_is_not_published(api: FlaskClient, keys: Any) -> None:
    one_year = "effective_from: 2025-01-01\neffective_to: 2025-12-31"
    assert post_draft(api, keys, DRAFT_2025.replace("effective_from: 2025-01-01", one_year))
    on_draft = DRAFT_2025.replace('version: "2025-01-01"', 'version: "2026-01-01"')
    on_draft = on_draft.replace('extends: "2024-01-01"', 'extends: "2025-01-01"')
    on_draft = on_draft.replace("effective_from: 2025-01-01", "effective_from: 2026-01-01")
    assert post_draft(api, keys, on_draft).status_code == 201
    refused = api.post(f"{VERSIONS}/2026-01-01/publish", headers=reviewed(api, keys, "2026-01-01"))
    body = assert_problem(refused, 409, "parent-not-published")
    assert "extends 2025-01-01, which is still a draft" in body["detail"]
    assert api.get(f"{VERSIONS}/2026-01-01", headers=keys["author"]).get_json()["status"] == (
        "draft"
    )
    parent = api.post(f"{VERSIONS}/2025-01-01/publish", headers=reviewed(api, keys))
    assert parent.status_code == 200
    published = api.post(
        f"{VERSIONS}/2026-01-01/publish", headers=reviewed(api, keys, "2026-01-01")
    )
    assert published.status_code == 200, published.get_data(as_text=True)
