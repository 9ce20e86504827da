"""Audit endpoints: chain head, signed checkpoints on demand, verification against them."""

from __future__ import annotations

import base64
import dataclasses
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from flask import Flask
from sqlalchemy import text

from eligibility import services
from eligibility.checkpoints import Checkpoint, CheckpointSettings, new_private_key
from eligibility.records import ROLES
from eligibility.storage.memory import MemoryStorage
from eligibility.storage.sql import SqlStorage
from tests.api.api_helpers import assert_problem
from tests.api.conftest import AppFactory

DECISION = {
    "ruleset": "fishing-licence",
    "as_of": "2024-06-01",
    "answers": {"age": 70, "resident": True},  # complete: every goal decided
}


@pytest.fixture
def audited(make_app: AppFactory, tmp_path: Path) -> Flask:
    new_private_key(tmp_path / "signing.pem")
    settings = CheckpointSettings(tmp_path / "checkpoints", tmp_path / "signing.pem")
    return make_app(CHECKPOINTS=settings)


def headers_of(app: Flask) -> dict[str, dict[str, str]]:
    store = app.extensions["eligibility"].storage
    found = {}
    for role in ROLES:
        token, _ = services.create_key(store, role, role)
        found[role] = {"Authorization": f"Bearer {token}"}
    return found


def test_head_checkpoint_and_verification(audited: Flask) -> None:
    api, keys = audited.test_client(), headers_of(audited)
    for _ in range(2):
        assert api.post("/v1/decisions", json=DECISION, headers=keys["client"]).status_code == 201
    head = api.get("/v1/audit/head", headers=keys["auditor"]).get_json()
    assert head["sequence"] == 2 and head["latest_checkpoint"] is None
    assert_problem(api.get("/v1/audit/checkpoints/latest", headers=keys["auditor"]), 404)

    written = api.post("/v1/audit/checkpoints", headers=keys["auditor"])
    assert written.status_code == 201
    checkpoint = written.get_json()
    assert (checkpoint["sequence"], checkpoint["head_hash"]) == (2, head["hash"])
    public_key = load_pem_public_key(checkpoint["public_key"].encode())
    assert isinstance(public_key, Ed25519PublicKey)
    signed = Checkpoint.from_dict(checkpoint)
    public_key.verify(base64.b64decode(checkpoint["signature"]), signed.payload())
    again = api.post("/v1/audit/checkpoints", headers=keys["auditor"])
    assert again.status_code == 200 and again.get_json() == checkpoint
    latest = api.get("/v1/audit/checkpoints/latest", headers=keys["auditor"])
    assert latest.get_json() == checkpoint
    head = api.get("/v1/audit/head", headers=keys["auditor"]).get_json()
    assert head["latest_checkpoint"] == checkpoint and head["records_since_checkpoint"] == 0

    verified = api.get("/v1/audit/verify", headers=keys["auditor"]).get_json()
    assert verified["ok"] and verified["checkpoints"] == 1
    assert verified["latest_checkpoint"] == checkpoint["name"]


def test_verification_names_the_checkpoint_a_truncated_chain_fails(audited: Flask) -> None:
    api, keys = audited.test_client(), headers_of(audited)
    for _ in range(3):
        api.post("/v1/decisions", json=DECISION, headers=keys["client"])
    checkpoint = api.post("/v1/audit/checkpoints", headers=keys["auditor"]).get_json()
    store = audited.extensions["eligibility"].storage
    assert isinstance(store, MemoryStorage)
    del store.decisions.records[1:]
    verified = api.get("/v1/audit/verify", headers=keys["auditor"]).get_json()
    assert verified["ok"] is False
    assert verified["broken"]["checkpoint"] == checkpoint["name"]
    assert verified["broken"]["fields"] == ["checkpoint"]
    assert "records #2–#3 were removed" in verified["message"]
    refused = api.post("/v1/audit/checkpoints", headers=keys["auditor"])
    assert "no checkpoint written" in assert_problem(refused, 409, "chain-broken")["detail"]


def test_forged_append_before_the_checkpoint_is_named(audited: Flask) -> None:
    api, keys = audited.test_client(), headers_of(audited)
    for _ in range(2):
        api.post("/v1/decisions", json=DECISION, headers=keys["client"])
    checkpoint = api.post("/v1/audit/checkpoints", headers=keys["auditor"]).get_json()
    store = audited.extensions["eligibility"].storage
    last = store.decisions.records.pop()
    forged = dataclasses.replace(last, client="mallory", hash="")
    store.decisions.records.append(
        dataclasses.replace(forged, hash=forged.computed_hash(), field_digests=forged.digests())
    )
    verified = api.get("/v1/audit/verify", headers=keys["auditor"]).get_json()
    assert verified["broken"]["sequence"] == 2
    assert verified["broken"]["checkpoint"] == checkpoint["name"]


def test_without_checkpoints_set_up(make_app: AppFactory) -> None:
    app = make_app()
    api, keys = app.test_client(), headers_of(app)
    refused = api.post("/v1/audit/checkpoints", headers=keys["auditor"])
    body = assert_problem(refused, 409, "checkpoints-not-configured")
    assert "CHECKPOINT_KEY_FILE" in body["detail"]
    assert api.get("/v1/audit/head", headers=keys["auditor"]).get_json()["sequence"] == 0


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/v1/audit/head"),
        ("get", "/v1/audit/checkpoints/latest"),
        ("post", "/v1/audit/checkpoints"),
    ],
)
def test_only_auditors(audited: Flask, method: str, url: str) -> None:
    api, keys = audited.test_client(), headers_of(audited)
    assert_problem(getattr(api, method)(url), 401)
    for role in ("client", "author", "publisher"):
        assert_problem(getattr(api, method)(url, headers=keys[role]), 403)


def test_a_rule_version_edited_in_the_database_is_refused_by_a_running_server(
    make_app: AppFactory, database_url: str
) -> None:
    storage = SqlStorage(database_url)
    try:
        api = make_app(STORAGE=storage, VERSION_CACHE_SECONDS=0).test_client()
        assert api.post("/v1/evaluations", json=DECISION).status_code == 200
        stored = services.get_version(storage, "fishing-licence", "2024-01-01")
        content = {**stored.content, "title": {"en": "Something else"}}
        with storage.db.engine.begin() as connection:
            connection.execute(
                text("UPDATE rule_versions SET content = :c"), {"c": json.dumps(content)}
            )
        refused = api.post("/v1/evaluations", json=DECISION)
        assert_problem(refused, 500, "integrity-failure")
    finally:
        storage.close()
