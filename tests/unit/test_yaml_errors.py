"""YAML syntax errors explained in the author's terms, each at the place to change."""

from __future__ import annotations

import pytest

from eligibility.errors import RuleSetError
from eligibility.yaml_source import load_yaml


def problem_of(text: str) -> tuple[str, int | None, int | None]:
    with pytest.raises(RuleSetError) as caught:
        load_yaml(text, "f.yaml")
    (problem,) = caught.value.problems
    return problem.message, problem.line, problem.column


@pytest.mark.parametrize(
    ("text", "message", "at"),
    [
        # Texts in { … } written as the docs teach, unquoted, holding a character that ends them.
        (
            "title: {en: How old are you?, de: Wie alt?}\n",
            "cannot hold a question mark unless it is quoted: put the text in quotes: "
            'en: "How old are you?"',
            (1, 28),
        ),
        (
            "label: {en: At {age} you count}\n",
            "placeholder such as {age} unless it is quoted: put the text in quotes: "
            'en: "At {age} you count"',
            (1, 16),
        ),
        ("label: {en: Note: this}\n", "cannot hold a colon unless it is quoted", (1, 17)),
        ("label: {en: see [1] here}\n", "cannot hold brackets unless it is quoted", (1, 17)),
        ("ask_after: [a?, b]\n", "inside [ … ] a text cannot hold a question mark", (1, 14)),
        ("label: {en: 'It's bad'}\n", "a quoted text ends at its closing quote", (1, 17)),
        ("label: {en: Item #3}\n", "(a # after a space starts a comment", (1, 8)),
        ("label: {en: hello\nx: 1\n", "this bracket is never closed: write '}'", (1, 8)),
        # Texts starting with a character YAML reads otherwise.
        (
            "label: {age} years\n",
            'is read as entries in brackets: put the text in quotes: label: "{age} years"',
            (1, 14),
        ),
        ("label:\n  en: {age} years old\n", 'en: "{age} years old"', (2, 13)),
        ("label: {en: & co}\n", "a text cannot start with '&' unless it is quoted", (1, 13)),
        ("label: {en: *important*}\n", "a text cannot start with '*'", (1, 13)),
        ("label: {en: @home}\n", "a text cannot start with '@'", (1, 13)),
        ("label: {en: `code`}\n", "a text cannot start with '`'", (1, 13)),
        ("label: {en: % rate}\n", "a text cannot start with '%'", (1, 13)),
        ("label: {en: | yes}\n", "a text cannot start with '|'", (1, 13)),
        ("label: - minus\n", "a text cannot start with '- ' unless it is quoted", (1, 8)),
        ('label: "Your age" in years\n', "a quoted text ends at its closing quote", (1, 19)),
        ('label: "abc\nx: 1\n', "this quote is never closed", (1, 8)),
        # A colon in a text outside braces.
        (
            "x:\n  label: How old: are you?\n",
            "a colon followed by a space inside a text starts a new key: put the text in quotes: "
            'label: "How old: are you?"',
            (2, 17),
        ),
        ('label: a: "b"\n', r'label: "a: \"b\""', (1, 9)),
        # Tabs and indentation.
        ("x:\n\tlabel: a\n", "this line is indented with a tab: YAML indents with spaces", (2, 1)),
        ("x:\n  label:\ta\n", "a tab cannot stand here: use spaces", (2, 9)),
        (
            "questions:\n  age:\n    type: integer\n      label: x\n",
            "indented by 6 spaces, more than the line above, which already has its value: "
            "indent it by 4 spaces like line 3 or by 2 spaces like line 2",
            (4, 12),
        ),
        (
            "questions:\n  age:\n    type: integer\n   label: x\n",
            "indented by 3 spaces, like no line above it: indent it by 4 spaces like line 3 "
            "or by 2 spaces like line 2",
            (4, 4),
        ),
        (
            "questions:\n  # a comment\n  age\n    type: integer\n",
            "the line above ('age') has no colon, so nothing can be indented under it: "
            "write 'age:'",
            (4, 9),
        ),
        ('a:\n  b: "c"\n    d\n', "this line goes on after its value has ended", (3, 5)),
        (
            "x:\n  label: How old\n  are you\n  type: integer\n",
            "this line is neither 'key: value' nor part of a quoted text",
            (3, 3),
        ),
        ("rules:\n  - a\n  b: c\n", "list items ('- …') and 'key: value' lines are mixed", (3, 3)),
    ],
)
def test_syntax_errors_in_authors_terms(text: str, message: str, at: tuple[int, int]) -> None:
    got, line, column = problem_of(text)
    assert message in got
    assert (line, column) == at
    assert "expected" not in got  # never the parser's own words for these


def test_valid_texts_in_braces_still_load() -> None:
    data, _ = load_yaml(
        "label: {en: \"How old are you?\", de: 'Wie alt, bitte?'}\n"
        "help: {en: It's fine, de: Gut}\nmulti: {en: hello,\n  de: hallo}\n",
        "f.yaml",
    )
    assert data["label"] == {"en": "How old are you?", "de": "Wie alt, bitte?"}
    assert data["help"] == {"en": "It's fine", "de": "Gut"}
    assert data["multi"] == {"en": "hello", "de": "hallo"}
