"""Why a question is asked: always a sentence — the author's, else built from a legal reference."""

from __future__ import annotations

from typing import Any

import pytest

from eligibility.evaluation import evaluate
from eligibility.texts import why_asked

from .support import build

RESIDENT = {"type": "boolean", "value": "adult and resident", "label": {"en": "Eligible"}}


def whys(locale: str = "en", **goal: Any) -> list[tuple[str, str | None, str | None]]:
    """The why of `resident`, which only the goal `eligible` reads."""
    compiled = build(goals={"eligible": {**RESIDENT, **goal}})
    (resident,) = [q for q in evaluate(compiled, {"age": 30}, locale=locale).next_questions]
    return [(w.rule, w.legal_reference, w.text) for w in resident.why]


def test_a_goal_with_its_own_why() -> None:
    assert whys(why={"en": "Only residents qualify."}, legal_reference="Act § 2") == [
        ("eligible", "Act § 2", "Only residents qualify.")
    ]


def test_a_goal_with_a_legal_reference() -> None:
    assert whys(legal_reference="Act § 2") == [
        ("eligible", "Act § 2", "We ask this because Act § 2 requires it.")
    ]
    assert whys("de", legal_reference="Act § 2") == [
        ("eligible", "Act § 2", "Wir fragen dies, weil Act § 2 es verlangt.")
    ]


def test_a_goal_without_a_reference_takes_the_versions_legal_basis() -> None:
    compiled = build(
        goals={"eligible": RESIDENT},
        legal_basis=[{"reference": "Act §§ 1-9"}, {"reference": "Order § 4"}],
    )
    assert why_asked(compiled, "eligible", "en") == (
        "Act §§ 1-9",
        "We ask this because Act §§ 1-9 requires it.",
    )


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en", "We ask this to work out “Eligible”."),
        ("de", "Wir fragen dies, um „Eligible“ zu ermitteln."),
        ("es", "Lo preguntamos para determinar «Eligible»."),
    ],
)
def test_without_any_reference_a_sentence_never_a_bare_label(locale: str, text: str) -> None:
    assert why_asked(build(goals={"eligible": RESIDENT}), "eligible", locale) == (None, text)
    assert whys()[0][2] == "We ask this to work out “Eligible”."


def test_a_rule_without_its_own_why_names_its_reference() -> None:
    compiled = build()
    assert why_asked(compiled, "adult", "en") == (
        "Act § 1",
        "We ask this because Act § 1 requires it.",
    )


def test_whys_are_worked_out_once_per_version_and_language() -> None:
    first = build(goals={"eligible": {**RESIDENT, "why": {"en": "A.", "de": "A-de."}}})
    second = build(goals={"eligible": {**RESIDENT, "why": {"en": "B."}}})
    assert why_asked(first, "eligible", "en")[1] == "A."
    assert why_asked(first, "eligible", "de")[1] == "A-de."
    assert why_asked(second, "eligible", "en")[1] == "B."  # same id, another version
    assert why_asked(first, "eligible", "en") is why_asked(first, "eligible", "en")
