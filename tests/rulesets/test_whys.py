"""Why each question is asked: a sentence in every rule set, never a bare goal label."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from eligibility import CompiledRuleSet, compiled, evaluate, load_paths
from eligibility.model import localize
from eligibility.texts import why_asked

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = [ROOT / "rules", ROOT / "tests" / "fixtures"]


@functools.cache
def versions() -> list[CompiledRuleSet]:
    return [compiled(r) for folder in FOLDERS for r in load_paths([folder])]


def reads_answers(version: CompiledRuleSet, name: str) -> bool:
    """True when a rule or goal reads a question itself or through derived values."""
    stack, seen = list(version.named[name].reads), set()
    while stack:
        read = stack.pop()
        if read in version.questions:
            return True
        if read not in seen and read in version.named and version.named[read].kind == "derived":
            seen.add(read)
            stack.extend(version.named[read].reads)
    return False


@pytest.mark.parametrize("locale", ["en", "de", "es"])
def test_every_why_is_a_sentence_and_not_a_label(locale: str) -> None:
    for version in versions():
        ruleset = version.ruleset
        labels = {localize(g.label, locale, ruleset.default_locale) for g in ruleset.goals}
        for name in [*(r.id for r in ruleset.rules), *(g.id for g in ruleset.goals)]:
            if not reads_answers(version, name):
                continue
            _, text = why_asked(version, name, locale)
            where = f"{ruleset.id} {ruleset.version} {name}"
            assert text not in labels, where
            assert text.endswith("."), where
            assert len(text.split()) >= 5, where


def test_kurzarbeitergeld_says_why_it_asks_about_a_child() -> None:
    kug = next(v for v in versions() if v.ruleset.id == "kurzarbeitergeld")
    _, german = why_asked(kug, "benefit_rate", "de")
    assert german != "Leistungssatz"
    assert "Kind" in german and "höhere Leistungssatz" in german


def test_snap_help_texts_are_not_padded_with_goal_labels() -> None:
    snap = next(v for v in versions() if v.ruleset.id == "snap")
    result = evaluate(snap, {"state": "UT", "household_size": 3}, locale="en")
    for question in result.next_questions:
        texts = [w.text for w in question.why]
        assert "Estimated monthly benefit" not in texts
        assert len(texts) == len(set(texts))
        assert all(text and text.endswith(".") for text in texts), question.question.id
