"""Collections in the pages: "add another" over the family-allowance example (two children)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import ROOT, Stack, answer, csrf_of, start, text_of

FAMILY = str(ROOT / "tests" / "fixtures" / "family-allowance")


@pytest.fixture(scope="module")
def family() -> Stack:
    """An API serving the family allowance (a collection of children)."""
    return Stack([FAMILY])


@pytest.fixture
def client(family: Stack) -> Iterator[FlaskClient]:
    with family.front().test_client() as client:
        yield client


def _go(client: FlaskClient, path: str, **fields: str) -> str:
    """Answer a page; the next page's path (after the 303)."""
    response = answer(client, path, **fields)
    assert response.status_code == 303, text_of(response)
    location: str = response.headers["Location"]
    return location


def _two_children(client: FlaskClient) -> str:
    first = start(client, "family-allowance", "2024-05-01")
    assert first == "/questions/resident"
    listed = _go(client, first, answer="true")
    assert listed == "/questions/children_complete"
    # "not all listed yet": the API prompts for a child, and the page adds one straight away
    name = _go(client, listed, answer="false")
    assert name == "/questions/children/c1/name"
    age = _go(client, name, answer="Anna")
    assert age == "/questions/children/c1/age"
    assert "How old is Anna?" in text_of(client.get(age))
    again = _go(client, age, answer="10")
    assert again == "/questions/children_complete"
    page = text_of(client.get(again))
    assert "Listed so far" in page and "Anna" in page
    name = _go(client, again, answer="false")
    assert name == "/questions/children/c2/name"
    return _go(client, name, answer="Ben")


def test_add_another_child_then_check_and_result(client: FlaskClient) -> None:
    age = _two_children(client)
    assert age == "/questions/children/c2/age"
    school = _go(client, age, answer="20")
    assert school == "/questions/children/c2/in_education"
    assert "Is Ben in school or training?" in text_of(client.get(school))
    listed = _go(client, school, answer="true")
    check = _go(client, listed, answer="true")
    assert check == "/check"
    page = text_of(client.get(check))
    assert "How old is Anna? 10" in page and "Is Ben in school or training? Yes" in page
    result = text_of(client.get("/result"))
    # the root's total, then each child's own amount with its reason
    assert "Allowance per month €500" in result
    assert "Anna Allowance for this child €250 Anna qualifies." in result
    assert "Ben Allowance for this child €250 Ben qualifies." in result


def test_remove_a_child_from_check_your_answers(client: FlaskClient) -> None:
    age = _two_children(client)
    _go(client, _go(client, age, answer="30"), answer="true")
    token = csrf_of(client, "/check")
    removed = client.post("/remove/children/c2", data={"csrf_token": token, "then": "check"})
    assert removed.status_code == 303 and removed.headers["Location"] == "/check"
    page = text_of(client.get("/check"))
    assert "Anna" in page and "Ben" not in page
    assert client.post("/remove/children/c2", data={}).status_code == 400


def test_change_an_instance_answer_from_check(client: FlaskClient) -> None:
    age = _two_children(client)
    _go(client, _go(client, age, answer="30"), answer="true")
    page = client.get("/questions/children/c1/age").get_data(as_text=True)
    assert 'value="10"' in page and "How old is Anna?" in page
    assert _go(client, "/questions/children/c1/age", answer="12") == "/check"
    assert "How old is Anna? 12" in text_of(client.get("/check"))


def test_the_api_prompt_to_add_a_child_is_a_page_of_its_own(
    family: Stack, client: FlaskClient
) -> None:
    first = start(client, "family-allowance", "2024-05-01")
    _go(client, first, answer="true")
    with client.session_transaction() as cookie:
        session_id = cookie["interview"]["id"]
    # another client of the session said "not all listed": the prompt stands with no child added
    patched = family.api.test_client().patch(
        f"/v1/sessions/{session_id}/answers",
        json={"children_complete": False},
        headers={"Authorization": f"Bearer {family.key}"},
    )
    assert patched.status_code == 200
    assert client.get("/next").headers["Location"] == "/add/children"
    assert client.get("/add/nothing").headers["Location"] == "/next"
    page = client.get("/add/children")
    assert page.status_code == 200 and "add the next one" in text_of(page)
    assert _go(client, "/add/children") == "/questions/children/c1/name"
