"""Implausible Kurzarbeitergeld answers over HTTP: 422 naming every answer concerned.

Evaluated under the corrected versions (drafts `<version>.1`, which an author sees until the
correction workflow publishes them; sessions, for clients, follow once they are published).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient

from api import create_app
from eligibility import services
from eligibility.storage import memory_storage
from tests.api.api_helpers import assert_problem
from tests.api.conftest import RULES


@pytest.fixture(scope="module")
def author_api() -> tuple[FlaskClient, dict[str, str]]:
    storage = memory_storage()
    app = create_app(
        {"RULES": [str(RULES / "kurzarbeitergeld")], "STORAGE": storage, "TESTING": True}
    )
    token, _ = services.create_key(app.extensions["eligibility"].storage, "author", "kug author")
    return app.test_client(), {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


def evaluate(api: tuple[FlaskClient, dict[str, str]], version: str, answers: dict[str, Any]) -> Any:
    client, headers = api
    body = {"ruleset": "kurzarbeitergeld", "version": version, "answers": answers}
    return client.post("/v1/evaluations", json=body, headers=headers)


PAYS = {"target_gross_pay": "3000.00", "actual_gross_pay": "1500.00"}


@pytest.mark.parametrize(
    ("version", "answers", "concerned"),
    [
        (
            "2016-01-01.1",
            {**PAYS, "net_target_pay": "1138.71", "net_actual_pay": "1995.41"},
            {"net_actual_pay", "net_target_pay", "actual_gross_pay", "target_gross_pay"},
        ),
        (
            "2021-01-01.1",
            {"claim_month": "2021-02-01", "entitlement_start_month": "2021-05-01"},
            {"entitlement_start_month", "claim_month"},
        ),
        (
            "2020-05-29.1",
            {"claim_month": "2020-10-01", "months_of_receipt": 9},
            {"months_of_receipt", "claim_month"},
        ),
        (
            "2022-01-01.1",
            {"notification_date": (dt.date.today() + dt.timedelta(days=3)).isoformat()},
            {"notification_date"},
        ),
    ],
)
def test_implausible_answers_are_refused_naming_every_answer_concerned(
    author_api: tuple[FlaskClient, dict[str, str]],
    version: str,
    answers: dict[str, Any],
    concerned: set[str],
) -> None:
    body = assert_problem(evaluate(author_api, version, answers), 422, "invalid-answers")
    assert set(body["errors"]) == {f"/answers/{q}" for q in concerned}
    messages = {m for found in body["errors"].values() for m in found}
    assert len(messages) == 1  # one check, its message under each answer


def test_plausible_answers_of_the_same_kind_are_evaluated(
    author_api: tuple[FlaskClient, dict[str, str]],
) -> None:
    answers = {"claim_month": "2020-10-01", "months_of_receipt": 8, **PAYS}
    response = evaluate(author_api, "2020-05-29.1", answers)
    assert response.status_code == 200, response.get_json()
