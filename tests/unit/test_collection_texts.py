"""Texts of collections: their titles, and the prompt to add an instance worded with them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eligibility import CompiledRuleSet, load_paths
from eligibility.canonical import to_document
from eligibility.compiler import compile_ruleset
from eligibility.evaluation import evaluate

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture(scope="module")
def family() -> CompiledRuleSet:
    (ruleset,) = load_paths([FIXTURES / "family-allowance"])
    return compile_ruleset(ruleset)


def _prompt(compiled: CompiledRuleSet, locale: str, **answers: Any) -> str:
    result = evaluate(compiled, answers, locale=locale)
    (prompt,) = [q for q in result.next_questions if q.question.type == "instance"]
    return prompt.label


def test_a_title_is_loaded_per_language(family: CompiledRuleSet) -> None:
    (children,) = family.ruleset.collections
    assert children.title == {
        "en": {"one": "child", "other": "children"},
        "de": {"one": "Kind", "other": "Kinder"},
    }
    assert to_document(family.ruleset)["collections"]["children"]["title"] == children.title


def test_the_prompt_to_add_one_names_the_collection(family: CompiledRuleSet) -> None:
    answers = {"resident": True, "children_complete": False}
    assert _prompt(family, "en", **answers) == "Please add the next child (more are to come)."
    assert _prompt(family, "de", **answers) == (
        "Bitte ergänzen Sie einen weiteren Eintrag unter „Kinder“ (es folgen weitere)."
    )


def test_an_untitled_collection_is_prompted_for_by_its_id(tmp_path: Path) -> None:
    folder = tmp_path / "family-allowance"
    folder.mkdir()
    source = (FIXTURES / "family-allowance" / "2024-01-01.yaml").read_text("utf-8")
    untitled = "\n".join(line for line in source.splitlines() if "title: {en: {one" not in line)
    (folder / "2024-01-01.yaml").write_text(untitled, "utf-8")
    (ruleset,) = load_paths([folder])
    compiled = compile_ruleset(ruleset)
    assert compiled.ruleset.collections[0].title == {}
    prompt = _prompt(compiled, "en", resident=True, children_complete=False)
    assert prompt == "Please add the next one to 'children' (more are to come)."
