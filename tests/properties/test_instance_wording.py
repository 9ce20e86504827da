"""The next questions of a claim with collections, worded when read (entity_evaluation.Wording:
shared parts made once per evaluation), are worded exactly as each question on its own: label
and help in the instance's words, options, whys naming the rule in its instance, pointer."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from eligibility import CompiledRuleSet
from eligibility.answer_document import parse_document
from eligibility.engine.pure import compute, entity_scopes
from eligibility.entity_evaluation import Wording, _add_prompt
from eligibility.entity_frames import Frame, Relevant
from eligibility.entity_relevance import entity_walk
from eligibility.errors import AnswerError
from eligibility.evaluation import choose_locale
from eligibility.model import localize
from eligibility.texts import Texts, why_asked
from eligibility.values_io import pointer

from .test_entity_walk_cache import (
    FIXTURES,
    PROPERTIES,
    ROOT,
    _grown,
    _versions,
    crowds,
    households,
    nested_rulesets,
    parent_rulesets,
)


def one_by_one(compiled: CompiledRuleSet, item: Relevant, texts: Texts) -> dict[str, Any]:
    """One question worded on its own, from its parts (the wording before Wording)."""
    local = texts.within(item.frame.env, item.frame.scope.parents if item.frame.parent else ())
    question, locale, default = item.question, texts.locale, texts.default_locale
    if item.adding is not None:
        question = _add_prompt(item.frame.scope.collections[item.adding].collection, locale)
    whys: dict[str, tuple[str, str | None, str]] = {}
    scopes = entity_scopes(compiled)
    for path, name in item.contexts:
        reference, text = why_asked(compiled, name, locale, scopes[path] if path else None)
        rule = pointer(*_owner_at(item.frame, path), name) if path else name
        whys.setdefault(text, (rule, reference, text))
    return {
        "question": question,
        "label": local.render(question.label) or question.id,
        "help": local.render(question.help),
        "options": tuple(
            (o.value, localize(o.label, locale, default) or o.value) for o in question.options
        ),
        "why": list(whys.values()),
        "path": pointer(*item.frame.at, question.id, *(("-",) if item.adding else ()))
        if item.frame.parent or item.adding
        else None,
    }


def _owner_at(frame: Frame, path: tuple[str, ...]) -> tuple[str, ...]:
    current: Frame | None = frame
    while current is not None and current.path != path:
        current = current.parent
    return current.at if current is not None else frame.at


def assert_worded_alike(compiled: CompiledRuleSet, doc: dict[str, Any], locale: str) -> None:
    try:
        answers = parse_document(compiled.questions, compiled.collections, doc)
    except AnswerError:
        return
    env = compute(compiled, answers.values, compiled.ruleset.effective_from, answers.collections)
    language = choose_locale(compiled, locale)
    texts = Texts(language, compiled.ruleset.default_locale, env, amounts_of(compiled))
    wording = Wording(compiled, texts)
    for item in entity_walk(compiled, env, answers).next_questions():
        assert wording.parts(item) == one_by_one(compiled, item, texts), item.where


def amounts_of(compiled: CompiledRuleSet) -> Any:
    """The declared amounts, as evaluate() gives them to its texts."""
    return compiled.money


@PROPERTIES
@given(data=st.data())
def test_worded_alike_on_random_claims(data: st.DataObject) -> None:
    compiled = data.draw(parent_rulesets())
    assert_worded_alike(compiled, data.draw(crowds()), "en")
    nested = data.draw(nested_rulesets())
    assert_worded_alike(nested, data.draw(households()), "en")


def test_worded_alike_on_the_rule_sets_with_collections() -> None:
    folders = [FIXTURES / "family-allowance", FIXTURES / "employer-claim"]
    folders += [ROOT / "rules" / "kindergeld", ROOT / "rules" / "kurzarbeitergeld-abrechnung"]
    for folder in folders:
        for compiled in _versions(folder):
            for scenario in compiled.ruleset.scenarios:
                for locale in sorted(compiled.locales):
                    assert_worded_alike(compiled, dict(scenario.answers), locale)
                    assert_worded_alike(compiled, _grown(compiled, dict(scenario.answers)), locale)
