"""Texts of collections: their titles, and the prompt to add an instance worded with them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from eligibility import AnswerError, CompiledRuleSet, RuleSetError, load_paths
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


HOUSEHOLD = """
ruleset: household
version: "2024-01-01"
effective_from: 2024-01-01
title: {en: A household, de: Ein Haushalt}
entity: household
questions:
  applicant_name: {type: string, label: {en: "Your name?", de: "Ihr Name?"}}
  children_complete: {type: boolean, label: {en: "All listed?", de: "Alle genannt?"}}
collections:
  children:
    entity: child
    item_label: {en: "{name}"}
    title: {en: {one: child, other: children}, de: {one: Kind, other: Kinder}}
    completeness_question: children_complete
    questions:
      name: {type: string, label: {en: "Name?", de: "Name?"}}
      lives_with:
        type: boolean
        label: {en: "Does {name} live with {household.applicant_name}?", de: "{LABEL_DE}"}
      birth_date:
        type: date
        label: {en: "When was {name} born?", de: "Wann ist {name} geboren?"}
        checks:
          - when: birth_date <= today
            message: {en: "{name} cannot be born after today."}
    rules:
      counts: {when: lives_with, legal_reference: "Example § 1"}
    goals:
      counted: {type: boolean, value: counts}
goals:
  eligible: {type: boolean, value: "any(children, counts)"}
"""


def household(
    tmp_path: Path, label_de: str = "Lebt {name} bei Ihnen?", rule: str = "lives_with"
) -> CompiledRuleSet:
    folder = tmp_path / "household"
    folder.mkdir()
    text = HOUSEHOLD.replace("{LABEL_DE}", label_de).replace("when: lives_with", f"when: {rule}")
    (folder / "2024-01-01.yaml").write_text(text, "utf-8")
    (ruleset,) = load_paths([folder])
    return compile_ruleset(ruleset)


def test_an_instance_label_quotes_its_parent(tmp_path: Path) -> None:
    compiled = household(tmp_path)
    answers = {"applicant_name": "Maria", "children": [{"id": "c1", "name": "Anna"}]}
    result = evaluate(compiled, answers, locale="en", today=dt.date(2024, 5, 1))
    asked = {q.pointer: q.label for q in result.next_questions}
    assert asked["/children/c1/lives_with"] == "Does Anna live with Maria?"


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("{household.applicant_nmae}", "household has no value 'applicant_nmae'"),
        ("{family.applicant_name}", "unknown entity 'family'"),
    ],
)
def test_a_quoted_parent_value_is_checked_when_the_file_loads(
    tmp_path: Path, label: str, message: str
) -> None:
    with pytest.raises(RuleSetError) as caught:
        household(tmp_path, label)
    (problem,) = caught.value.problems
    assert problem.path == "collections.children.questions.lives_with.label"
    assert message in problem.message and problem.line == 20


def test_an_instance_check_reads_today(tmp_path: Path) -> None:
    compiled = household(tmp_path)
    child = {"id": "c1", "name": "Anna", "birth_date": "2024-05-02"}
    with pytest.raises(AnswerError) as caught:
        evaluate(compiled, {"children": [child]}, today=dt.date(2024, 5, 1))
    assert caught.value.errors == {"/children/c1/birth_date": ["Anna cannot be born after today."]}
    born_today = {**child, "birth_date": "2024-05-01"}
    evaluate(compiled, {"children": [born_today]}, today=dt.date(2024, 5, 1))


def test_only_checks_read_today_in_an_instance_too(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError) as caught:
        household(tmp_path, rule="lives_with and birth_date <= today")
    (problem,) = caught.value.problems
    assert problem.path == "collections.children.rules.counts.when"
    assert "unknown name 'today'" in problem.message
