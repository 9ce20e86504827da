"""Kindergeld (rules/kindergeld) end to end over HTTP: a family with three children in different
situations, through POST /v1/evaluations and through a session, next question by next question.

The versions are published (reviewed with every scenario passing and every outcome covered): the
app serves the folder as it is.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from eligibility import services
from tests.api.conftest import RULES, AppFactory
from tests.api.test_api_collection_interviews import interview

FAMILY: dict[str, Any] = {
    "claim_month": "2024-05-01",
    "domicile_in_germany": True,
    "nationality_or_permit": True,
    "parent_tax_id": True,
    "children": [
        {
            "id": "c1",
            "name": "Paul",
            "birth_date": "2014-02-01",
            "relation": True,
            "lives_in_eu_eea": True,
            "tax_id": True,
        },
        {
            "id": "c2",
            "name": "Quirin",
            "birth_date": "2003-09-30",
            "relation": True,
            "lives_in_eu_eea": True,
            "tax_id": True,
            "situation": "seeking_work",
        },
        # training ended in February, the next stage begins in July: four whole months between
        {
            "id": "c3",
            "name": "Rosa",
            "birth_date": "2000-06-15",
            "relation": True,
            "lives_in_eu_eea": True,
            "tax_id": True,
            "situation": "transition",
            "previous_stage_end": "2024-02-29",
            "next_stage_start": "2024-07-01",
            "first_training_completed": False,
        },
    ],
}


@pytest.fixture
def api(make_app: AppFactory) -> tuple[FlaskClient, dict[str, str]]:
    app = make_app(RULES=[str(RULES / "kindergeld")])
    token, _ = services.create_key(app.extensions["eligibility"].storage, "client", "family")
    return app.test_client(), {"Authorization": f"Bearer {token}"}


def _evaluate(api: tuple[FlaskClient, dict[str, str]], answers: dict[str, Any]) -> Any:
    client, headers = api
    body = {"ruleset": "kindergeld", "as_of": "2024-05-15", "answers": answers, "locale": "en"}
    response = client.post("/v1/evaluations", json=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_three_children_evaluated_at_once(api: tuple[FlaskClient, dict[str, str]]) -> None:
    body = _evaluate(api, {**FAMILY, "children_complete": True})
    assert body["status"] == "complete"
    assert body["ruleset"]["version"] == "2023-01-01.1"  # the claim month picks the version
    assert body["goals"]["total"]["value"] == "750.00"
    assert body["goals"]["total"]["currency"] == "EUR"
    assert body["goals"]["qualifying_children"]["value"] == 3
    children = body["instances"]["children"]
    assert [(c["id"], c["label"], c["goals"]["amount"]["value"]) for c in children] == [
        ("c1", "Paul", "250.00"),
        ("c2", "Quirin", "250.00"),
        ("c3", "Rosa", "250.00"),
    ]


def test_a_transition_of_five_months_drops_one_child(
    api: tuple[FlaskClient, dict[str, str]],
) -> None:
    rosa = {**FAMILY["children"][2], "next_stage_start": "2024-08-01", "disabled": False}
    family = {**FAMILY, "children": [*FAMILY["children"][:2], rosa], "children_complete": True}
    body = _evaluate(api, family)
    assert body["goals"]["total"]["value"] == "500.00"
    rosa_result = body["instances"]["children"][2]
    assert rosa_result["goals"]["amount"]["value"] == "0.00"
    texts = [r["text"] for r in rosa_result["goals"]["amount"]["reasons"]]
    assert "No child benefit is due for Rosa." in texts


def test_the_next_questions_of_an_incomplete_family(
    api: tuple[FlaskClient, dict[str, str]],
) -> None:
    quirin = {k: v for k, v in FAMILY["children"][1].items() if k != "situation"}
    body = _evaluate(api, {**FAMILY, "children": [FAMILY["children"][0], quirin]})
    assert body["goals"]["eligible"]["value"] is True  # Paul alone decides it
    assert body["goals"]["total"]["value"] is None  # the list may still grow
    paths = [q["path"] for q in body["next_questions"]]
    assert paths[0] == "/children/c2/situation"
    assert "/children/c1/situation" not in paths  # Paul is under 18: not relevant
    assert paths[-1] == "/children_complete"


def test_a_family_interviewed_through_a_session(api: tuple[FlaskClient, dict[str, str]]) -> None:
    session, asked = interview(api, "kindergeld", FAMILY, 60)
    child = ["name", "birth_date", "relation", "lives_in_eu_eea", "tax_id"]
    assert asked == [
        "/domicile_in_germany",  # the claimant's questions can end the claim at once
        "/nationality_or_permit",
        "/parent_tax_id",
        "/children_complete",
        "/children/-",
        "/claim_month",  # asked once a child's age needs it; it then picks the version
        *[f"/children/c1/{q}" for q in child],  # Paul, 10: no situation asked
        "/children_complete",
        "/children/-",
        *[f"/children/c2/{q}" for q in [*child, "situation"]],
        "/children_complete",
        "/children/-",
        *[f"/children/c3/{q}" for q in [*child, "situation", "previous_stage_end"]],
        "/children/c3/next_stage_start",
        "/children/c3/first_training_completed",
        "/children_complete",
    ]
    assert session["ruleset"]["version"] == "2023-01-01.1"  # the correction: the list's title
    assert session["goals"]["total"]["value"] == "750.00"
    amounts = {i["id"]: i["goals"]["amount"]["value"] for i in session["instances"]["children"]}
    assert amounts == {"c1": "250.00", "c2": "250.00", "c3": "250.00"}
