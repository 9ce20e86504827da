"""Collections in the pages, the "add to a list" pattern: a family's children (ask another) and an
employer's employees (how many), each list's page with the list above its question, removing
only after "Yes"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import ROOT, Stack, answer, start, text_of, text_of_html

FAMILY = str(ROOT / "tests" / "fixtures" / "family-allowance")
EMPLOYER = str(ROOT / "tests" / "fixtures" / "employer-claim")


@pytest.fixture(scope="module")
def family() -> Stack:
    """An API serving the family allowance (children) and the employer's claim (employees)."""
    return Stack([FAMILY, EMPLOYER])


@pytest.fixture
def client(family: Stack) -> Iterator[FlaskClient]:
    with family.front().test_client() as client:
        yield client


def main_text(client: FlaskClient, path: str) -> str:
    """The visible text of a page's main part (the title and header left out)."""
    html = client.get(path).get_data(as_text=True)
    return text_of_html(html[html.index("<main") : html.index("</main>")])


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
    # the list's page introduces the collection before anyone is added to it
    page = client.get(listed).get_data(as_text=True)
    assert '<h1 class="heading">You have added 0 children</h1>' in page
    assert "Nothing is listed yet" in page
    assert '<h2 class="heading-m" data-chat="question">Have you listed all' in page
    # "not all listed yet": the API prompts for a child, and the page adds one straight away
    name = _go(client, listed, answer="false")
    assert name == "/questions/children/c1/name"
    age = _go(client, name, answer="Anna")
    assert age == "/questions/children/c1/age"
    assert "How old is Anna?" in text_of(client.get(age))
    again = _go(client, age, answer="10")
    assert again == "/questions/children_complete"
    page = main_text(client, again)
    # the list so far goes above the question, each with a way to change and to remove it
    assert page.index("You have added 1 child") < page.index("Anna")
    assert page.index("Anna") < page.index("Have you listed all")
    assert "Change Anna" in page and "Remove Anna" in page
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


def test_removing_a_child_asks_first_and_removes_only_on_yes(client: FlaskClient) -> None:
    age = _two_children(client)
    _go(client, _go(client, age, answer="30"), answer="true")
    assert 'href="/remove/children/c2?then=check"' in client.get("/check").get_data(as_text=True)
    asked = client.get("/remove/children/c2?then=check")
    assert asked.status_code == 200
    assert "Are you sure you want to remove Ben?" in text_of(asked)
    assert "Ben" in text_of(client.get("/check"))  # asking removed nothing
    unanswered = answer(client, "/remove/children/c2?then=check", then="check")
    assert unanswered.status_code == 422
    assert "Select yes if you want to remove Ben" in text_of(unanswered)
    kept = answer(client, "/remove/children/c2?then=check", then="check", answer="false")
    assert kept.status_code == 303 and kept.headers["Location"] == "/check"
    assert "Ben" in text_of(client.get("/check"))
    assert client.post("/remove/children/c2", data={"answer": "true"}).status_code == 400
    removed = answer(client, "/remove/children/c2?then=check", then="check", answer="true")
    assert removed.status_code == 303 and removed.headers["Location"] == "/check"
    page = text_of(client.get("/check"))
    assert "Anna" in page and "Ben" not in page
    assert client.get("/remove/children/c2").headers["Location"] == "/next"


def test_removing_from_the_list_page_goes_back_to_the_list(client: FlaskClient) -> None:
    _go(client, _two_children(client), answer="30")
    assert 'href="/remove/children/c1?then=next"' in client.get(
        "/questions/children_complete"
    ).get_data(as_text=True)
    back = _go(client, "/remove/children/c1?then=next", then="next", answer="true")
    assert back == "/questions/children_complete"
    page = text_of(client.get("/questions/children_complete"))
    assert "Ben" in page and "Anna" not in page


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
    assert page.status_code == 200 and "Please add the next child" in text_of(page)
    assert _go(client, "/add/children") == "/questions/children/c1/name"


def _how_many(client: FlaskClient) -> str:
    """The employer's claim up to its "how many?" page."""
    first = start(client, "employer-claim", "2024-05-01")
    count = _go(client, first, answer="true")
    assert count == "/questions/employees_count"
    return count


def _employee(client: FlaskClient, path: str, *values: str) -> str:
    """Answer an employee's pages (name, target pay, actual pay); the page after them."""
    for value in values:
        path = _go(client, path, answer=value)
    return path


def test_an_employer_says_how_many_employees_then_answers_for_each(client: FlaskClient) -> None:
    count = _how_many(client)
    # "how many?" is a question page of its own: the question is the page's heading
    html = client.get(count).get_data(as_text=True)
    assert '<label class="heading" for="answer" data-chat="question">How many employees' in html
    assert 'inputmode="numeric"' in html and "listing" not in html
    # the count given, every employee is added at once and their pages follow one another
    name = _go(client, count, answer="2")
    assert name == "/questions/employees/e1/name"
    assert main_text(client, name).startswith("Employee 1 of 2 Employee&#39;s name?")
    pay = _go(client, name, answer="Ada")
    # the rule file gives these questions a currency: an amount in euros, not a bare number
    assert '<span class="input__prefix" aria-hidden="true">€</span>' in client.get(pay).get_data(
        as_text=True
    )
    assert "Target pay of Ada (gross)?" in text_of(client.get(pay))
    second = _employee(client, pay, "3000", "1500")
    assert second == "/questions/employees/e2/name"
    assert main_text(client, second).startswith("Employee 2 of 2")
    assert _employee(client, second, "Bo", "2000", "2000") == "/check"
    check = text_of(client.get("/check"))
    assert "Target pay of Ada (gross)? €3,000" in check
    result = text_of(client.get("/result"))
    assert "Total allowance €900" in result
    assert "Ada Allowance €900" in result and "Bo Allowance €0" in result


def test_a_number_below_the_list_is_the_api_s_error_on_the_how_many_page(
    client: FlaskClient,
) -> None:
    count = _how_many(client)
    _employee(client, _go(client, count, answer="2"), "Ada", "3000", "1500", "Bo", "2000", "2000")
    # the API refuses the list (its problem+json names /employees): the error is this answer's
    refused = answer(client, count, answer="1")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    said = "You have already listed 2 employees. Enter 2 or more, or first remove some of them"
    assert f'<li><a href="#answer">{said}' in html  # the summary links to the field
    assert '<p id="answer-error" class="error-message" data-chat="error">' in html
    assert said in html[html.index('id="answer-error"') :]
    assert 'value="1"' in html and 'aria-describedby="answer-error"' in html
    assert "employees_count says" not in html  # the API's words for developers stay there
    assert "How many employees are on the list? 2" in text_of(client.get("/check"))
    # in German too (the API says where; the words are the claimant's)
    client.get("/check?lang=de")
    refused = answer(client, count, answer="1")
    assert "Sie haben schon 2 Beschäftigte angegeben." in text_of(refused)
    # a higher number adds the employees missing, and asks about them
    client.get("/check?lang=en")
    assert _go(client, count, answer="3") == "/questions/employees/e3/name"
    assert main_text(client, "/questions/employees/e3/name").startswith("Employee 3 of 3")


def test_after_removing_an_employee_the_list_offers_to_add_one_or_change_the_number(
    client: FlaskClient,
) -> None:
    count = _how_many(client)
    _employee(client, _go(client, count, answer="2"), "Ada", "3000", "1500", "Bo", "2000", "2000")
    removed = _go(client, "/remove/employees/e1?then=next", then="next", answer="true")
    assert removed == "/add/employees"
    page = main_text(client, removed)
    assert page.index("You have added 1 employee") < page.index("You have listed 1 of 2.")
    assert page.index("You have listed 1 of 2.") < page.index("Bo")
    assert page.index("Bo") < page.index("Add the next employee.")
    html = client.get(removed).get_data(as_text=True)
    assert '<a href="/questions/employees_count" data-change-count>Change the number</a>' in html
    assert _go(client, "/questions/employees_count", answer="1") == "/check"
    assert "Bo Allowance €0" in text_of(client.get("/result"))


def test_the_add_page_adds_one_more_employee(client: FlaskClient) -> None:
    count = _how_many(client)
    _employee(client, _go(client, count, answer="2"), "Ada", "3000", "1500", "Bo", "2000", "2000")
    _go(client, "/remove/employees/e1?then=next", then="next", answer="true")
    # the free id is taken again; its pages follow
    assert _go(client, "/add/employees") == "/questions/employees/e1/name"
    assert main_text(client, "/questions/employees/e1/name").startswith("Employee 2 of 2")


def test_the_list_page_says_how_many_children_in_each_language(client: FlaskClient) -> None:
    listed = _go(client, start(client, "family-allowance", "2024-05-01"), answer="true")
    _go(client, _go(client, _go(client, listed, answer="false"), answer="Anna"), answer="10")
    _go(client, _go(client, listed, answer="false"), answer="Ben")
    _go(client, "/questions/children/c2/age", answer="8")
    assert "<h1 class=\"heading\">You have added 2 children</h1>" in client.get(listed).get_data(
        as_text=True
    )
    assert client.get(listed + "?lang=de").status_code == 303
    assert "Sie haben 2 Kinder angegeben" in main_text(client, listed)


QUOTING = """
ruleset: household
version: "2024-01-01"
status: published
effective_from: 2024-01-01
title: {en: A household}
entity: household
questions:
  applicant_name: {type: string, label: {en: "What is your name?"}}
  children_complete: {type: boolean, label: {en: "Have you listed all your children?"}}
collections:
  children:
    entity: child
    item_label: {en: "{name}"}
    title: {en: {one: child, other: children}}
    completeness_question: children_complete
    questions:
      name: {type: string, label: {en: "What is the child's name?"}}
      lives_with:
        type: boolean
        label: {en: "Does {name} live with {household.applicant_name}?"}
    rules:
      counts: {when: lives_with, legal_reference: "Example § 1"}
goals:
  eligible: {type: boolean, value: "any(children, counts)"}
"""


def test_check_words_a_child_s_question_with_the_parent_s_answer(tmp_path: Path) -> None:
    (tmp_path / "household").mkdir()
    (tmp_path / "household" / "2024-01-01.yaml").write_text(QUOTING, "utf-8")
    quoting = Stack([str(tmp_path / "household")])
    with quoting.front().test_client() as client:
        start(client, "household", "2024-05-01")
        with client.session_transaction() as cookie:
            session_id = cookie["interview"]["id"]
        patched = quoting.api.test_client().patch(
            f"/v1/sessions/{session_id}/answers",
            json={
                "applicant_name": "Maria",
                "children_complete": True,
                "/children/c1": {"name": "Anna", "lives_with": True},
            },
            headers={"Authorization": f"Bearer {quoting.key}"},
        )
        assert patched.status_code == 200, patched.json
        assert "Does Anna live with Maria? Yes" in text_of(client.get("/check"))


def test_employees_not_named_yet_are_called_by_their_place_in_the_list(
    client: FlaskClient,
) -> None:
    count = _how_many(client)
    _go(client, _go(client, count, answer="3"), answer="Ada")
    # the API labels an instance whose name is unknown "?": the pages say "Employee 2" instead
    check = main_text(client, "/check")
    assert "Ada Employee&#39;s name? Ada" in check
    assert "Employee 2 Not answered yet Remove Employee 2" in check
    assert "Employee 3 Not answered yet Remove Employee 3" in check and "?" not in check.split(
        "Remove Ada"
    )[1]
    asked = main_text(client, "/remove/employees/e3?then=check")
    assert asked.startswith("Are you sure you want to remove Employee 3?")
    assert _go(client, "/remove/employees/e3?then=check", then="check", answer="true") == "/check"
    assert "Employee 3" not in main_text(client, "/check")


def test_a_list_closed_too_early_is_the_api_s_error_on_the_list_s_page(tmp_path: Path) -> None:
    family = (Path(FAMILY) / "2024-01-01.yaml").read_text("utf-8")
    assert "    min: 0\n    max: 20\n" in family
    (tmp_path / "family-allowance").mkdir()
    (tmp_path / "family-allowance" / "2024-01-01.yaml").write_text(
        family.replace("    min: 0\n    max: 20\n", "    min: 1\n    max: 20\n"), "utf-8"
    )
    at_least_one = Stack([str(tmp_path / "family-allowance")])
    with at_least_one.front().test_client() as client:
        listed = _go(client, start(client, "family-allowance", "2024-05-01"), answer="true")
        # "all listed" with nobody listed: the API refuses the list (an error at /children)
        refused = answer(client, listed, answer="true")
        assert refused.status_code == 422
        html = refused.get_data(as_text=True)
        said = "Add at least 1 child before you say the list is complete"
        assert f'<li><a href="#answer">{said}</a></li>' in html
        assert said in html[html.index('id="answer-error"') :]
        assert "must be listed" not in html  # the API's words for developers stay there
        assert '<h1 class="heading">You have added 0 children</h1>' in html
        assert _go(client, listed, answer="false") == "/questions/children/c1/name"
