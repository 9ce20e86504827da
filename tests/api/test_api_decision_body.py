"""The lean decision body equals DecisionSchema's dump, key order included.

The body of a recorded decision is built without marshmallow (api/decision_body.py);
`DecisionSchema` is the contract the OpenAPI document publishes. Checked on decisions of
every version in rules/ (each scenario's answers, complete or not, with instances where
the version has collections), as sealed and as read back from SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.decision_body import decision_body
from api.record_schemas import DecisionSchema
from eligibility import EligibilityError, evaluate, services
from eligibility.decisions import GENESIS, Decision, DecisionDraft, seal
from tests.properties.examples import VERSION_IDS, example, scenario_answers

DUMP = DecisionSchema()
T0 = dt.datetime(2026, 11, 30, 7, 0, 0, 123456, tzinfo=dt.UTC)


def text(data: Any) -> str:
    """JSON text with the keys in the order given (the order clients see)."""
    return json.dumps(data, ensure_ascii=False)


def _decisions(version_id: str) -> list[Decision]:
    version, made = example(version_id), []
    for n, answers in enumerate(scenario_answers(version)[:6]):
        try:
            evaluation = evaluate(version, answers, with_trace=True, engine="pure")
        except EligibilityError:
            continue
        draft = DecisionDraft.from_evaluation(f"d-{n}", evaluation, "key:k", "f" * 64, f"k-{n}")
        made.append(seal(draft, n + 1, GENESIS, T0))
    return made


@pytest.mark.parametrize("version_id", VERSION_IDS)
def test_the_lean_body_is_the_schema_dump(version_id: str) -> None:
    decisions = _decisions(version_id)
    assert decisions
    for decision in decisions:
        assert text(decision_body(decision)) == text(DUMP.dump(decision))


def test_recorded_and_read_back_the_body_is_the_schema_dump(
    stored_app: Flask, api: FlaskClient
) -> None:
    store = stored_app.extensions["eligibility"].storage
    client, _ = services.create_key(store, "client", "recorder")
    auditor, _ = services.create_key(store, "auditor", "reader")
    claim = {"ruleset": "fishing-licence", "as_of": "2024-05-01", "allow_incomplete": True}
    for answers in ({"age": 70, "resident": True}, {"age": 30}):
        posted = api.post(
            "/v1/decisions",
            json={**claim, "answers": answers},
            headers={"Authorization": f"Bearer {client}", "Idempotency-Key": str(answers)},
        )
        assert posted.status_code == 201
        stored = services.get_decision(store, posted.get_json()["id"])
        read = api.get(posted.headers["Location"], headers={"Authorization": f"Bearer {auditor}"})
        assert posted.get_json() == read.get_json() == json.loads(text(DUMP.dump(stored)))
        assert list(read.get_json()) == list(DUMP.dump(stored))
