"""The Evaluation of a claim with collections: root goals with reasons that name instances,
next questions addressed by JSON Pointer, ignored answers inside instances."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eligibility.answers import Answers
from eligibility.compiler import CompiledRuleSet
from eligibility.engine.pure import entity_scopes
from eligibility.entity_frames import EntityWalk, Frame, Relevant
from eligibility.model import Collection, Question, Rule, localize
from eligibility.texts import Texts, why_asked
from eligibility.values_io import pointer


def frame_texts(texts: Texts, frame: Frame) -> Texts:
    """The evaluation's texts with the values of one entity (for `{name}` in its labels)."""
    return Texts(texts.locale, texts.default_locale, frame.env, texts.money)


def reasons_of(found: EntityWalk, goal: str) -> list[tuple[str, Rule, Any, Frame]]:
    """(rule id or pointer, rule, value, its entity) for each reason of a root goal."""
    out = []
    for frame, name in found.reasons[goal]:
        rule = frame.scope.rules_by_id[name]
        where = name if frame.parent is None else pointer(*frame.at, name)
        out.append((where, rule, frame.env[name], frame))
    return out


def next_question_parts(
    compiled: CompiledRuleSet, item: Relevant, texts: Texts
) -> dict[str, Any]:
    """The fields of a NextQuestion for one relevant question (label in its entity's words)."""
    local = frame_texts(texts, item.frame)
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


_ADD = {
    "en": "Please add the next one to '{id}' (more are to come).",
    "de": "Bitte ergänzen Sie den nächsten Eintrag in „{id}“ (es folgen weitere).",
}


def _add_prompt(collection: Collection, locale: str) -> Question:
    """The prompt to add an instance, as a question of type `instance` (its pointer ends in -)."""
    label = dict(collection.add_label) or {
        lang: text.format(id=collection.id) for lang, text in _ADD.items()
    }
    return Question(id=collection.id, type="instance", label=label)


def _owner_at(frame: Frame, path: tuple[str, ...]) -> tuple[str, ...]:
    """The pointer parts of the entity (the frame or an ancestor) whose rule is the context."""
    current: Frame | None = frame
    while current is not None and current.path != path:
        current = current.parent
    return current.at if current is not None else frame.at


def ignored(compiled: CompiledRuleSet, answers: Answers, found: EntityWalk) -> list[str]:
    """Answers the walk never used: root ones by id, instance ones by pointer."""
    root = [q for q in answers.plain() if pointer(q) not in found.used]
    root.sort(key=compiled.question_rank.__getitem__)
    return root + [p for p in _instance_answers(answers, "") if p not in found.used]


def _instance_answers(answers: Answers, at: str) -> Iterator[str]:
    for cid, items in answers.collections.items():
        for item in items:
            where = f"{at}/{cid}/{item.id}"  # ids and question ids need no escaping
            yield from (f"{where}/{q}" for q in item.plain())
            yield from _instance_answers(item, where)
