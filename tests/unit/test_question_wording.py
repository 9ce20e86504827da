"""Next questions worded once per version, language and reason for asking, where nothing in
their wording depends on the answers; a label that quotes a value is worded every time."""

from __future__ import annotations

from typing import Any

from eligibility.evaluation import evaluate
from eligibility.evaluation import questions as wording
from eligibility.version_tables import VersionTables

from .support import build

QUESTIONS = {
    "age": {"type": "integer", "min": 0, "max": 130, "label": {"en": "Age?", "de": "Alter?"}},
    "resident": {
        "type": "boolean",
        "label": {"en": "Resident?", "de": "Wohnhaft?"},
        "help": {"en": "Where you live most of the year."},
    },
}
GOALS = {
    "eligible": {"type": "boolean", "value": "adult and resident", "label": "Eligible"},
    "senior": {
        "type": "boolean",
        "value": "resident and age >= 65",
        "label": "Senior",
        "why": {"en": "Seniors pay less."},
    },
}


def resident(answers: dict[str, Any], locale: str = "en", **parts: Any) -> Any:
    """The worded question `resident` of one evaluation of the test version."""
    compiled = build(questions=parts.get("questions", QUESTIONS), goals=GOALS)
    found = evaluate(compiled, answers, locale=locale).next_questions
    return next(q for q in found if q.question.id == "resident")


def test_the_same_wording_is_shared_and_equals_one_written_afresh() -> None:
    first, again = resident({}), resident({})
    assert again is first
    wording._WORDED.clear()
    fresh = resident({})
    assert fresh is not first and fresh == first
    assert (first.label, first.help) == ("Resident?", "Where you live most of the year.")


def test_the_reasons_for_asking_are_part_of_what_is_shared() -> None:
    both, one = resident({}), resident({"age": 30})  # at 30 only `eligible` still needs it
    assert [w.rule for w in both.why] == ["eligible", "senior"]
    assert [w.rule for w in one.why] == ["eligible"]
    assert resident({"age": 30}) is one


def test_each_language_its_own_wording() -> None:
    english, german = resident({}), resident({}, "de")
    assert (english.label, german.label) == ("Resident?", "Wohnhaft?")
    assert german.why[0].text.startswith("Wir fragen dies")


def test_a_label_that_quotes_an_answer_is_worded_for_each_evaluation() -> None:
    quoting = {**QUESTIONS, "resident": {"type": "boolean", "label": "Resident at {age}?"}}
    thirty = resident({"age": 30}, questions=quoting)
    forty = resident({"age": 40}, questions=quoting)
    assert (thirty.label, forty.label) == ("Resident at 30?", "Resident at 40?")
    assert resident({"age": 30}, questions=quoting) is not thirty


def test_a_full_table_is_emptied() -> None:
    tables: VersionTables[str, int] = VersionTables(size=3)
    tables.of("v1", "en").update(a=1, b=2, c=3)
    tables.of("v2", "en")["a"] = 1
    assert tables.of("v1", "en") == {}  # filled again as it is read
    assert tables.of("v2", "en") == {"a": 1}


def test_every_table_is_dropped_beyond_most_tables_or_total_entries() -> None:
    few: VersionTables[str, int] = VersionTables(most=2)
    few.of("v1", "en")["a"] = 1
    few.of("v1", "de")["a"] = 2
    assert few.of("v1", "en") == {"a": 1}
    assert few.of("v2", "en") == {} and few.of("v1", "en") == {}
    small: VersionTables[str, int] = VersionTables(total=5)
    small.of("v1", "en").update(a=1, b=2)
    small.of("v2", "en").update(a=1, b=2)
    small.of("v3", "en")["a"] = 1  # 5 entries in all when the next table is made
    assert small.of("v1", "en") == {"a": 1, "b": 2}
    assert small.of("v4", "en") == {} and small.of("v1", "en") == {}
