"""Rule documents → RuleSet: YAML positions and numbers, schema checks, extends and merging."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from eligibility import Problem, RuleSetError, document_from_data, load_document
from eligibility.loader import Document, merge, resolve
from eligibility.model import Location, Table
from eligibility.yaml_source import load_yaml, path_text

from .support import document, load


def problems(**parts: Any) -> list[tuple[str, str, str | None]]:
    """(path, message, suggestion) of every problem of the base document with these parts."""
    with pytest.raises(RuleSetError) as caught:
        load(document(**parts))
    return [(p.path, p.message, p.suggestion) for p in caught.value.problems]


QUESTIONS = document()["questions"]


# ------------------------------------------------------------------------------ YAML


def test_yaml_numbers_with_a_point_are_exact_decimals() -> None:
    data, _ = load_yaml("a: 0.1\nb: 12\nc: 1_000.50\nd: '3.5'\ne: 2020-03-01\n", "f.yaml")
    assert data == {
        "a": Decimal("0.1"),
        "b": 12,
        "c": Decimal("1000.50"),
        "d": "3.5",
        "e": dt.date(2020, 3, 1),
    }
    assert type(data["a"]) is Decimal


def test_yaml_positions_by_path() -> None:
    text = 'rules:\n  adult:\n    when: "age >= 18"\n    list: [a, b]\n'
    _, positions = load_yaml(text, "f.yaml")
    assert positions["rules.adult.when"] == Location("f.yaml", 3, 12)  # inside the quotes
    assert positions["rules.adult"] == Location("f.yaml", 3, 5)
    assert positions["rules.adult.list[1]"] == Location("f.yaml", 4, 15)
    assert path_text(("scenarios", "[3]", "answers")) == "scenarios[3].answers"


def test_yaml_block_values_are_placed_at_their_first_line() -> None:
    text = "when: |\n\n  age >= 18\nother: >\n   x\n"
    _, positions = load_yaml(text, "f.yaml")
    assert positions["when"] == Location("f.yaml", 2, 3)
    assert positions["other"] == Location("f.yaml", 5, 4)


def test_explanation_keys_true_and_false_stay_text() -> None:
    data, _ = load_yaml("explanation:\n  true: holds\n  false: fails\n", "f.yaml")
    assert data == {"explanation": {"true": "holds", "false": "fails"}}


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ("a: [1\nb: 2\n", "this bracket is never closed: write ']'", 1, 4),
        ("a: 1\n---\nb: 2\n", "not valid YAML: expected a single document", 2, 1),
        ("a: 2023-13-01\n", "'2023-13-01' is not a date that exists", 1, 4),
        ("a: 2023-02-29\n", "'2023-02-29' is not a date that exists", 1, 4),
        ("a: {en: Hello, world}\n", "so 'world' became an entry of its own", 1, 9),
        ("a: {en: Cats, dogs, mice, de: Katzen}\n", 'en: "Cats, dogs, mice"', 1, 9),
        ("a: !x\n", "a text cannot start with '!' unless it is quoted", 1, 4),
        ("", "the file is empty", 1, 1),
        ("# only a comment\n", "the file is empty", 1, 1),
        ("a: 1\na: 2\n", "'a' is written twice", 2, 1),
        ("a: .nan\n", "'.nan' is not a usable number", 1, 4),
        ("a: -.inf\n", "'-.inf' is not a usable number", 1, 4),
    ],
)
def test_yaml_problems(text: str, message: str, line: int, column: int) -> None:
    with pytest.raises(RuleSetError) as caught:
        load_yaml(text, "f.yaml")
    (problem,) = caught.value.problems
    assert message in problem.message
    assert (problem.file, problem.line, problem.column) == ("f.yaml", line, column)


# ------------------------------------------------------------------------------ schema


def test_a_valid_document_becomes_a_ruleset() -> None:
    ruleset = load(document())
    assert (ruleset.id, ruleset.version, ruleset.status) == ("unit", "1", "published")
    assert ruleset.effective_from == dt.date(2024, 1, 1)
    assert [q.id for q in ruleset.questions] == ["age", "resident"]
    assert ruleset.question("age") is not None and ruleset.question("nope") is None
    assert ruleset.covers(dt.date(2030, 1, 1)) and not ruleset.covers(dt.date(2023, 12, 31))
    assert ruleset.default_locale == "en"


def test_defaults_of_questions() -> None:
    questions = {
        **QUESTIONS,
        "amount": {"type": "decimal", "label": "Amount?"},
        "name": {"type": "string", "label": "Name?"},
        "kind": {"type": "enum", "label": "Kind?", "options": {"A": "a", "B": {"en": "b"}}},
    }
    ruleset = load(document(questions=questions))
    amount, name, kind = (ruleset.question(q) for q in ("amount", "name", "kind"))
    assert amount is not None and amount.decimal_places == 2 and amount.value_type == "decimal"
    assert name is not None and name.max_length == 500
    assert kind is not None and kind.option_values == ("A", "B") and kind.value_type == "string"
    assert kind.options[0].label == {"*": "a"}


def test_parameters_values_and_tables() -> None:
    parameters = {
        "limit": {"value": Decimal("1200.00"), "legal_reference": "§ 1"},
        "count": {"value": 3},
        "start": {"value": dt.date(2020, 3, 1)},
        "flag": {"value": True},
        "code": {"value": "IL"},
        "typed": {"type": "decimal", "value": 5},
        "fee": {"table": {1: 40, "2": 35, 3: Decimal("30.5")}, "each_additional": -5},
        "nested": {"table": {"IL": {"A": 1}, "VT": {"A": 2}}, "default": 0},
    }
    ruleset = load(document(parameters=parameters))
    by_id = {p.id: p for p in ruleset.parameters}
    assert by_id["limit"].type == "decimal" and by_id["limit"].value == Decimal("1200.00")
    assert by_id["count"].type == "integer"
    assert by_id["start"].type == "date"
    assert by_id["flag"].type == "boolean"
    assert by_id["code"].type == "string"
    assert by_id["typed"].value == Decimal(5) and type(by_id["typed"].value) is Decimal
    fee = by_id["fee"]
    assert fee.type == "decimal" and fee.table is not None
    assert fee.table.key_type == "integer" and set(fee.table.rows) == {1, 2, 3}
    assert fee.table.each_additional == Decimal(-5)
    nested = by_id["nested"].table
    assert nested is not None and isinstance(nested.rows["IL"], Table)
    assert nested.default == 0


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ({"questoins": {}}, ("questoins", "unknown key 'questoins'", "questions")),
        ({"title": None}, ("title", "is required", None)),
        ({"title": 5}, ("title", "expected a text, or texts by language", None)),
        ({"status": "final"}, ("status", "must be one of draft, published, retired", None)),
        ({"ruleset": "Unit Set"}, ("ruleset", "use lower-case letters, digits, - and _", None)),
        ({"version": ""}, ("version", 'expected a version id such as "2020-03-01"', None)),
        ({"effective_from": "2024-13-01"}, ("effective_from", "expected a date", None)),
        (
            {"effective_from": "2024-02-01", "effective_to": "2024-01-01"},
            ("effective_to", "must not be before effective_from", None),
        ),
        ({"legal_basis": [{"title": "x"}]}, ("legal_basis[0].reference", "is required", None)),
        (
            {"legal_basis": [{"reference": "x", "url": "no url"}]},
            ("legal_basis[0].url", "expected a web address", None),
        ),
        ({"goals": {"other": {"type": "boolean", "value": "true"}}}, ("goals", "every rule", None)),
        (
            {"goals": {"eligible": {"type": "integer", "value": "1"}}},
            ("goals", "every rule set has a boolean goal named 'eligible'", None),
        ),
        (
            {"goals": {"eligible": {"type": "money", "value": "1"}}},
            ("goals.eligible.type", "must be one of boolean, integer, decimal, string, date", None),
        ),
        ({"rules": {"adult": {"when": "age >= 18"}}}, ("rules.adult.legal_reference", "is", None)),
        (
            {"rules": {"adult": {"when": ["a"], "legal_reference": "x"}}},
            ("rules.adult.when", "expected an expression, e.g. age >= 65", None),
        ),
        (
            {
                "rules": {
                    "adult": {"when": "true", "legal_reference": "x", "explanation": {"yes": ""}}
                }
            },
            ("rules.adult.explanation.yes", "unknown key 'yes'", None),
        ),
        ({"derived": {"d": {}}}, ("derived.d.value", "is required", None)),
        (
            {"parameters": {"p": {"value": 1, "table": {1: 2}}}},
            ("parameters.p.value", "give either a value or a table", None),
        ),
        (
            {"parameters": {"p": {"value": 1, "default": 2}}},
            ("parameters.p.default", "only tables have default", None),
        ),
        (
            {"parameters": {"p": {"table": {}}}},
            ("parameters.p.table", "a table needs at least one row", None),
        ),
        (
            {"parameters": {"p": {"type": "integer", "value": "x"}}},
            ("parameters.p.value", "expected a whole number, got 'x'", None),
        ),
        (
            {"parameters": {"p": {"table": {1: 1, 2: "x"}}}},
            ("parameters.p.table.1", "expected a text, got 1", None),
        ),
        (
            {"parameters": {"p": {"table": {"a": 1}, "each_additional": 1}}},
            ("parameters.p.table", "each_additional needs a table keyed by numbers", None),
        ),
        ({"sections": {"a": {}}}, ("sections.a.title", "is required", None)),
        (
            {"scenarios": [{"name": "x", "expect": {}}]},
            ("scenarios[0].answers", "is required", None),
        ),
        ({"scenarios": [5]}, ("scenarios[0]", "expected entries written as key: value", None)),
    ],
)
def test_schema_problems(parts: dict[str, Any], expected: tuple[str, str, str | None]) -> None:
    found = problems(**parts)
    path, message, hint = expected
    assert any(p == path and message in m and h == hint for p, m, h in found), found


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ({"type": "text", "label": "x"}, ("questions.x.type", "must be one of boolean")),
        ({"type": "enum", "label": "x"}, ("questions.x.options", "an enum question needs")),
        (
            {"type": "integer", "label": "x", "options": {"A": "a"}},
            ("questions.x.options", "only enum questions have options"),
        ),
        ({"type": "string", "label": "x", "min": 1}, ("questions.x.min", "a string question has")),
        ({"type": "integer", "label": "x", "min": 5, "max": 1}, ("questions.x.max", "max is")),
        ({"type": "integer", "label": "x", "min": "a"}, ("questions.x.min", "expected a whole")),
        ({"type": "integer"}, ("questions.x.label", "is required")),
        ({"type": "integer", "lable": "x", "label": "x"}, ("questions.x.lable", "unknown key")),
        ({"type": "integer", "label": {"english": "x"}}, ("questions.x.label", "'english' is not")),
        ({"type": "integer", "label": {"en": 5}}, ("questions.x.label", "the en text must be")),
        ({"type": "integer", "label": "x", "allow_unknown": "maybe"}, ("questions.x.allow", "")),
        ({"type": "integer", "label": "x", "ask_after": ["agee"]}, ("questions.x.ask_after", "")),
        ({"type": "integer", "label": "x", "section": "main"}, ("questions.x.section", "unknown")),
        ("integer", ("questions.x", "expected entries written as key: value")),
    ],
)
def test_question_problems(question: Any, expected: tuple[str, str]) -> None:
    found = problems(questions={**QUESTIONS, "x": question})
    path, message = expected
    assert any(p.startswith(path) and message in m for p, m, _ in found), found


def test_suggestions_for_misspelt_references() -> None:
    found = problems(
        sections={"main": {"title": "Main"}},
        questions={
            **QUESTIONS,
            "x": {"type": "integer", "label": "x", "section": "mian", "ask_after": ["agee"]},
        },
    )
    assert ("questions.x.section", "unknown section 'mian'", "main") in found
    assert ("questions.x.ask_after", "unknown question 'agee'", "age") in found
    found = problems(questions={**QUESTIONS, "x": {"type": "integer", "lable": "x"}})
    assert ("questions.x.lable", "unknown key 'lable'", "label") in found


@pytest.mark.parametrize("word", ["if", "then", "else", "and", "or", "not", "in", "true", "as_of"])
def test_reserved_words_are_not_ids(word: str) -> None:
    found = problems(questions={**QUESTIONS, word: {"type": "integer", "label": "x"}})
    assert (f"questions.{word}", f"'{word}' is a reserved word of the rule language", None) in found


@pytest.mark.parametrize("bad", ["X", "1a", "a-b", "ä"])
def test_ids_are_lower_case_names(bad: str) -> None:
    found = problems(questions={**QUESTIONS, bad: {"type": "integer", "label": "x"}})
    assert any("ids use lower-case letters" in m for _, m, _ in found)


def test_duplicate_ids_across_parts() -> None:
    found = problems(
        questions={"age": QUESTIONS["age"]},
        rules={"age": {"when": "true", "legal_reference": "x"}},
        goals={"eligible": {"type": "boolean", "value": "age"}},
    )
    assert ("rules.age", "'age' is already defined in questions", None) in found


def test_every_problem_is_reported_at_once() -> None:
    found = problems(
        title=None,
        questions={**QUESTIONS, "x": {"type": "text", "label": "x"}},
        rules={"adult": {"when": "age >= 18"}},
    )
    assert len(found) == 3


def test_documents_as_data() -> None:
    with pytest.raises(RuleSetError, match="a version must be a mapping of keys"):
        document_from_data([])  # type: ignore[arg-type]
    data = document(version=dt.date(2024, 1, 1))
    doc = document_from_data(data)
    assert doc.key == ("unit", "2024-01-01")
    assert data["version"] == dt.date(2024, 1, 1)  # the caller's data is not changed
    assert load_document(doc).version == "2024-01-01"


# ------------------------------------------------------------------------------ extends


def doc(version: str, extends: str | None = None, **parts: Any) -> Document:
    data = document(version=version, **parts)
    if extends is not None:
        data["extends"] = extends
    return document_from_data(data, f"{version}.yaml")


def test_merge_entries_key_by_key_and_null_removes() -> None:
    parent = doc(
        "1",
        parameters={"limit": {"value": 10, "legal_reference": "§ 1", "description": "Limit"}},
        scenarios=[{"name": "x", "answers": {}, "expect": {}}],
    )
    child = doc(
        "2",
        "1",
        parameters={"limit": {"value": 20}},
        questions={"resident": None},
        goals={"eligible": {"type": "boolean", "value": "adult"}},
        status="draft",
    )
    child.data.pop("rules")
    merged = merge(parent, child)
    assert merged.data["parameters"]["limit"] == {
        "value": 20,
        "legal_reference": "§ 1",
        "description": "Limit",
    }
    assert list(merged.data["questions"]) == ["age"]
    assert merged.data["rules"] == parent.data["rules"]  # not named: inherited
    assert merged.data["status"] == "draft"
    assert "scenarios" not in merged.data  # never inherited
    assert merged.file == "2.yaml"


def test_a_collections_parts_merge_entry_by_entry() -> None:
    employees = {
        "entity": "employee",
        "min": 0,
        "questions": {"pay": {"type": "decimal"}, "agency": {"type": "boolean"}},
        "rules": {"paid": {"when": "not agency", "title": "Paid"}},
        "collections": {"days": {"entity": "day", "questions": {"hours": {"type": "integer"}}}},
    }
    parent = doc("1", collections={"employees": employees})
    child = doc(
        "2",
        "1",
        collections={
            "employees": {
                "max": 9,
                "questions": {"agency": None, "child": {"type": "boolean"}},
                "rules": {"paid": {"when": "pay > 0"}},
                "collections": {"days": {"questions": {"hours": {"min": 0}}}},
            }
        },
    )
    merged = merge(parent, child).data["collections"]["employees"]
    assert list(merged["questions"]) == ["pay", "child"]  # null removes; the rest inherited
    assert merged["rules"]["paid"] == {"when": "pay > 0", "title": "Paid"}  # key by key
    assert (merged["min"], merged["max"], merged["entity"]) == (0, 9, "employee")
    assert merged["collections"]["days"]["questions"]["hours"] == {"type": "integer", "min": 0}
    assert list(parent.data["collections"]["employees"]["questions"]) == ["pay", "agency"]


def test_scenarios_status_and_window_are_never_inherited() -> None:
    parent = doc(
        "1", scenarios=[{"name": "x", "answers": {}, "expect": {}}], effective_to="2024-12-31"
    )
    child = document_from_data(
        {"ruleset": "unit", "version": "2", "extends": "1", "effective_from": "2025-01-01"},
        "2.yaml",
    )
    merged = merge(parent, child)
    assert "scenarios" not in merged.data
    assert "effective_to" not in merged.data and "status" not in merged.data


def test_resolve_follows_a_chain_of_versions() -> None:
    versions = {
        "1": doc("1", parameters={"a": {"value": 1}, "b": {"value": 1}}),
        "2": doc("2", "1", parameters={"a": {"value": 2}}),
    }
    third = doc("3", "2", parameters={"b": {"value": 3}})
    resolved = resolve(third, lambda r, v: versions.get(v))
    assert resolved.data["parameters"] == {"a": {"value": 2}, "b": {"value": 3}}
    assert "extends" not in resolved.data or resolved.data["extends"] == "2"
    ruleset = load_document(third, lambda r, v: versions.get(v))
    assert ruleset.extends == "2"
    assert {p.id: p.value for p in ruleset.parameters} == {"a": 2, "b": 3}


def test_extends_problems() -> None:
    with pytest.raises(RuleSetError) as caught:
        load_document(doc("2", "1"))
    (problem,) = caught.value.problems
    assert (problem.path, problem.message) == ("extends", "extends '1', which does not exist")
    circle = {"1": doc("1", "2"), "2": doc("2", "1")}
    with pytest.raises(RuleSetError, match="in a circle"):
        load_document(circle["2"], lambda r, v: circle.get(v))


def test_problem_rendering() -> None:
    problem = Problem("unknown name 'agee'", "rules.a.when", "f.yaml", 3, 11, "age")
    assert str(problem) == "f.yaml:3:11: rules.a.when: unknown name 'agee' (did you mean 'age'?)"
    assert str(Problem("the file is empty")) == "the file is empty"
    assert problem.to_dict() == {
        "message": "unknown name 'agee'",
        "path": "rules.a.when",
        "file": "f.yaml",
        "line": 3,
        "column": 11,
        "suggestion": "age",
    }
    assert Problem("x").to_dict() == {"message": "x"}
