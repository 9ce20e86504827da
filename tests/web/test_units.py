"""The front end's pure parts: JSON Pointers, numbers and dates in three languages, form input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from web.config import Presentation, WebConfig
from web.display import show_answer, show_goal
from web.flow import _once as once
from web.forms import read, typed_for
from web.numbers import format_amount, format_date, format_number, format_share, parse_number
from web.pages import Problem
from web.pointers import (
    answer_patch,
    answered_pointers,
    from_error_key,
    lookup,
    merge_patch,
    pointer_of,
    tokens,
    without,
)
from web.questions import Option, Question


def question(kind: str, **constraints: object) -> Question:
    options = (Option("IL", "Illinois"), Option("UT", "Utah")) if kind == "enum" else ()
    return Question("/q", kind, "Q?", None, options, False, constraints, (), None, "USD")


def test_pointers_address_questions_and_instances() -> None:
    assert tokens("/children/c~12/age") == ["children", "c/2", "age"]
    assert pointer_of("a/b", "c~d") == "/a~1b/c~0d"
    assert from_error_key("household_size") == "/household_size"
    assert from_error_key("/children/0/age") == "/children/0/age"
    document = {"state": "UT", "children": [{"id": "c1"}, {"id": "c2", "age": 4, "name": "A"}]}
    assert lookup(document, "/children/c2/age") == 4
    assert lookup(document, "/children/c3/age") is None
    assert lookup({}, "/missing") is None
    assert answer_patch("/state", "IL") == merge_patch("/state", "IL") == {"state": "IL"}
    assert answer_patch("/children/c2/age", 5) == {"/children/c2/age": 5}
    assert without(document, "/children/c2/age") == {
        "state": "UT",
        "children": [{"id": "c1"}, {"id": "c2", "name": "A"}],
    }
    assert without(document, "/children/c1") == {
        "state": "UT",
        "children": [document["children"][1]],
    }
    assert without(document, "/state") == {"children": document["children"]}
    assert answered_pointers(document) == ["/state", "/children/c2/age", "/children/c2/name"]
    with pytest.raises(ValueError):
        tokens("state")


@pytest.mark.parametrize(
    ("typed", "locale", "number"),
    [
        ("1,234.50", "en", "1234.50"),
        ("1.234,50", "de", "1234.50"),
        ("1.5", "de", "1.5"),
        ("1,5", "de", "1.5"),
        ("1.234", "de", "1234"),
        ("$ 1 200", "en", "1200"),
        ("12.345.678,9", "de", "12345678.9"),
        ("-3", "en", "-3"),
    ],
)
def test_numbers_as_people_type_them(typed: str, locale: str, number: str) -> None:
    assert parse_number(typed, locale) == Decimal(number)


@pytest.mark.parametrize("typed", ["abc", "1.2.3,4,5", "1,2,3", "", "1e5", "--1"])
def test_what_is_not_a_number(typed: str) -> None:
    assert parse_number(typed, "en") is None


def test_amounts_dates_and_shares_in_each_language() -> None:
    assert format_amount(Decimal("1234.5"), "USD", "en") == "$1,234.50"
    assert format_amount(Decimal("-3"), "USD", "en") == "-$3"
    assert format_amount(Decimal("1234.5"), "EUR", "de") == "1.234,50\u00a0€"
    assert format_amount(Decimal("420.00"), "EUR", "de") == "420\u00a0€"
    assert format_amount(Decimal("7"), None, "en") == "7"
    assert format_share(Decimal("0.60"), "de") == "60\u00a0%"
    assert format_share(Decimal("0.675"), "en") == "67.5%"
    assert format_number(12345, "es") == "12.345"
    assert format_date(dt.date(2020, 4, 1), "en") == "1 April 2020"
    assert format_date(dt.date(2020, 4, 1), "de") == "1. April 2020"
    assert format_date(dt.date(2020, 4, 1), "es") == "1 de abril de 2020"


def test_form_input_becomes_the_answer_the_api_expects() -> None:
    assert read(question("integer", min=1), {"answer": "3"}, "en").value == 3
    assert read(
        question("decimal", min="0", decimal_places=2), {"answer": "1.234,5"}, "de"
    ).value == ("1234.5")
    assert read(question("boolean"), {"answer": "false"}, "en").value is False
    assert read(question("enum"), {"answer": "UT"}, "en").value == "UT"
    day = read(
        question("date"), {"answer-day": "1", "answer-month": "4", "answer-year": "2020"}, "en"
    )
    assert day.value == "2020-04-01"
    assert read(question("string", max_length=5), {"answer": " hello "}, "en").value == "hello"


@pytest.mark.parametrize(
    ("kind", "constraints", "form", "error"),
    [
        ("enum", {}, {}, "Select an answer"),
        ("boolean", {}, {"answer": "maybe"}, "Select an answer"),
        ("integer", {}, {"answer": " "}, "Enter an answer"),
        ("integer", {}, {"answer": "2.5"}, "Enter a whole number, like 3"),
        ("integer", {"min": 1}, {"answer": "0"}, "Enter 1 or more"),
        ("integer", {"max": 10}, {"answer": "11"}, "Enter 10 or less"),
        ("decimal", {"decimal_places": 2}, {"answer": "1.234"}, "no more than 2 decimal places"),
        ("decimal", {"decimal_places": 2}, {"answer": "lots"}, "Enter an amount"),
        ("decimal", {}, {"answer": "lots"}, "Enter a number"),
        ("date", {}, {"answer-day": "31", "answer-month": "2", "answer-year": "2020"}, "real date"),
        ("date", {}, {"answer-day": "1", "answer-month": "2", "answer-year": "20"}, "real date"),
        (
            "date",
            {"min": "2020-01-01"},
            {"answer-day": "1", "answer-month": "2", "answer-year": "2019"},
            "on or after 1 January 2020",
        ),
        ("string", {"max_length": 3}, {"answer": "four"}, "no more than 3 characters"),
    ],
)
def test_what_a_control_cannot_take_is_said_in_words(
    kind: str, constraints: dict[str, object], form: dict[str, str], error: str
) -> None:
    found = question(kind, **constraints)
    if kind == "decimal" and "decimal_places" not in constraints:
        found = Question("/q", "decimal", "Q?", None, (), False, {}, (), None, None)
    reading = read(found, form, "en")
    assert reading.value is None and reading.error and error in reading.error
    assert reading.typed == {k: v for k, v in form.items() if v}


def test_errors_come_in_the_claimants_language() -> None:
    assert read(question("integer"), {"answer": "x"}, "de").error == (
        "Geben Sie eine ganze Zahl ein, z. B. 3"
    )
    assert read(question("enum"), {}, "es").error == "Seleccione una respuesta"


def test_i_dont_know_where_the_authors_allow_it() -> None:
    allowed = Question("/q", "integer", "Q?", None, (), True, {}, (), None, None)
    assert read(allowed, {"answer-unknown": "1"}, "en").value == "unknown"
    assert typed_for(allowed, "unknown", "en") == {"answer-unknown": "1"}
    assert show_answer(allowed, "unknown", "de") == "Weiß ich nicht"
    radios = Question("/q", "boolean", "Q?", None, (), True, {}, (), None, None)
    assert [o.value for o in radios.choices("en")] == ["true", "false", "unknown"]


def test_answers_shown_again_to_change_them() -> None:
    assert typed_for(question("date"), "2020-04-01", "en") == {
        "answer-day": "1",
        "answer-month": "4",
        "answer-year": "2020",
    }
    assert typed_for(question("boolean"), True, "en") == {"answer": "true"}
    assert typed_for(question("decimal", decimal_places=2), "1250.50", "de") == {
        "answer": "1.250,50"
    }
    assert typed_for(question("integer"), None, "en") == {}


def test_answers_and_goals_in_words() -> None:
    assert show_answer(question("enum"), "UT", "en") == "Utah"
    assert show_answer(question("boolean"), False, "es") == "No"
    assert show_answer(question("decimal", decimal_places=2), "1200", "en") == "$1,200"
    kug = Presentation(currency="EUR", shares=frozenset({"benefit_rate"}))
    rate = {"value": "0.60", "decided": True, "type": "decimal"}
    assert show_goal("benefit_rate", rate, kug, "de") == "60\u00a0%"
    assert show_goal("benefit_amount", {**rate, "value": "420.00"}, kug, "de") == "420\u00a0€"
    assert show_goal("eligible", {"value": None, "decided": False}, kug, "en").startswith("Cannot")
    assert show_goal("months", {"value": 12, "decided": True, "type": "integer"}, kug, "en") == "12"


def test_presentation_settings_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "presentation.json"
    path.write_text('{"fishing": {"currency": "GBP"}}', encoding="utf-8")
    settings = WebConfig.from_env({"WEB_PRESENTATION": str(path), "WEB_COOKIE_SECURE": "true"})
    assert settings.for_ruleset("fishing").currency == "GBP"
    assert settings.for_ruleset("snap").currency == "USD"
    assert settings.for_ruleset("unknown") == Presentation()
    assert settings.cookie_secure


def test_why_a_question_is_asked_each_sentence_once() -> None:
    from web.questions import Why, from_api

    found = from_api(
        {
            "id": "state",
            "type": "enum",
            "label": "Which state?",
            "options": [{"value": "IL", "label": "Illinois"}],
            "why": [
                {"rule": "a", "text": "Limits differ by state.", "legal_reference": "7 CFR 273.9"},
                {"rule": "b", "text": "Limits differ by state.", "legal_reference": "7 CFR 273.9"},
                {"rule": "c", "text": "Assets count in Utah.", "legal_reference": None},
                {"rule": "d", "text": None, "legal_reference": "7 CFR 273.8"},
            ],
        },
        Presentation(currency="USD"),
    )
    assert found.pointer == "/state" and found.control == "radios"
    assert found.why == (
        Why("Limits differ by state.", "7 CFR 273.9"),
        Why("Assets count in Utah.", None),
    )


def test_a_message_named_under_several_answers_is_shown_once_preferring_this_page() -> None:
    shown = question("integer")
    same = "Only 3 employees work for you."
    here, there, other = Problem("/q", same), Problem("/employees", same), Problem("/x", "Other.")
    assert once([there, here, other], shown) == [here, other]
    # Not on this page: the first answer named keeps it (and its link).
    assert once([there, Problem("/affected", same)], shown) == [there]
