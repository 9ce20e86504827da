"""Claims about several people interviewed end to end over HTTP, next question by next question:
a family with three children (ask another) and an employer's 50-employee claim (how many),
through sessions that add instances and answer them by JSON Pointer under ETags."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from eligibility import services
from tests.api.conftest import FIXTURES, AppFactory

SESSIONS = "/v1/sessions"


@pytest.fixture
def api(make_app: AppFactory) -> tuple[FlaskClient, dict[str, str]]:
    app = make_app(RULES=[str(FIXTURES / "family-allowance"), str(FIXTURES / "employer-claim")])
    token, _ = services.create_key(app.extensions["eligibility"].storage, "client", "interviewer")
    return app.test_client(), {"Authorization": f"Bearer {token}"}


def _value(source: dict[str, Any], path: str) -> Any:
    parts = path.strip("/").split("/")
    if len(parts) == 1:
        return source[parts[0]]
    cid, iid, qid = parts
    return next(i for i in source[cid] if i["id"] == iid)[qid]


def interview(
    api: tuple[FlaskClient, dict[str, str]], ruleset: str, source: dict[str, Any], limit: int
) -> tuple[dict[str, Any], list[str]]:
    """Answer the first next question until the claim is complete; the paths asked."""
    client, headers = api
    created = client.post(SESSIONS, json={"ruleset": ruleset}, headers=headers)
    assert created.status_code == 201, created.json
    session, asked = created.json, []
    url = f"{SESSIONS}/{session['id']}/answers"
    listed: dict[str, int] = {}
    while session["status"] != "complete":
        assert len(asked) < limit, asked[-10:]
        question = session["next_questions"][0]
        path = question["path"]
        asked.append(path)
        if question["type"] == "instance":  # add the next instance the claimant has
            cid = path.strip("/").split("/")[0]
            item = source[cid][listed.get(cid, 0)]
            listed[cid] = listed.get(cid, 0) + 1
            change: dict[str, Any] = {f"/{cid}/{item['id']}": {}}
        elif path == "/children_complete":
            change = {path: listed.get("children", 0) == len(source["children"])}
        else:
            change = {path: _value(source, path)}
        response = client.patch(url, json=change, headers={**headers, "If-Match": session["etag"]})
        assert response.status_code == 200, response.json
        session = response.json
    return session, asked


FAMILY = {
    "resident": True,
    "children": [
        {"id": "c1", "name": "Anna", "age": 7},
        {"id": "c2", "name": "Ben", "age": 19, "in_education": True},
        {"id": "c3", "name": "Cleo", "age": 27, "in_education": True},
    ],
}


def test_a_family_with_three_children(api: tuple[FlaskClient, dict[str, str]]) -> None:
    session, asked = interview(api, "family-allowance", FAMILY, 40)
    assert asked == [
        "/resident",
        "/children_complete",  # "have you listed all your children?" no:
        "/children/-",  # add one
        "/children/c1/name",
        "/children/c1/age",
        "/children_complete",  # asked again after each child
        "/children/-",
        "/children/c2/name",
        "/children/c2/age",
        "/children/c2/in_education",
        "/children_complete",
        "/children/-",
        "/children/c3/name",
        "/children/c3/age",
        "/children_complete",  # yes: the list is complete
    ]
    assert session["goals"]["total"]["value"] == "500.00"
    amounts = {i["id"]: i["goals"]["amount"]["value"] for i in session["instances"]["children"]}
    assert amounts == {"c1": "250.00", "c2": "250.00", "c3": "0.00"}
    client, headers = api
    url = f"{SESSIONS}/{session['id']}/answers"
    removed = client.delete(f"{url}/children/c2", headers={**headers, "If-Match": session["etag"]})
    assert removed.status_code == 200, removed.json
    assert removed.json["goals"]["total"]["value"] == "250.00"
    stale = client.patch(
        url, json={"/children/c1/age": 30}, headers={**headers, "If-Match": session["etag"]}
    )
    assert stale.status_code == 412


def test_an_employer_claim_with_fifty_employees(api: tuple[FlaskClient, dict[str, str]]) -> None:
    employees = [
        {
            "id": f"e{i:02}",
            "name": f"Employee {i}",
            "target_pay": "3000.00",
            "actual_pay": "1500.00" if i % 5 == 0 else "3000.00",
        }
        for i in range(50)
    ]
    source = {"loss_reported": True, "employees_count": 50, "employees": employees}
    session, asked = interview(api, "employer-claim", source, 300)
    assert asked[:2] == ["/loss_reported", "/employees_count"]
    assert asked.count("/employees/-") == 50
    assert asked[2:6] == [
        "/employees/-",
        "/employees/e00/name",
        "/employees/e00/target_pay",
        "/employees/e00/actual_pay",
    ]
    assert session["goals"]["eligible"]["value"] is True
    assert session["goals"]["total"]["value"] == "9000.00"  # 10 affected × 900
    allowance = {
        i["id"]: i["goals"]["allowance"]["value"] for i in session["instances"]["employees"]
    }
    assert allowance["e05"] == "900.00" and allowance["e01"] == "0.00"
