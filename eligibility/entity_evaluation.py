"""The Evaluation of a claim with collections: root goals with reasons that name instances,
next questions addressed by JSON Pointer, ignored answers inside instances."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eligibility.answers import Answers
from eligibility.collection_titles import add_label
from eligibility.compiler import CompiledRuleSet
from eligibility.engine.pure import entity_scopes
from eligibility.entity_frames import EntityWalk, Frame, Relevant
from eligibility.model import Collection, Question, Rule, localize
from eligibility.texts import Texts, render, why_asked
from eligibility.values_io import pointer


def frame_texts(texts: Texts, frame: Frame) -> Texts:
    """The evaluation's texts with the values of one entity (for `{name}` in its labels)."""
    return texts.within(frame.env, _parents(frame))


def _parents(frame: Frame) -> tuple[str, ...]:
    """The names of the entities around the frame's (for `{household.state}` in its texts)."""
    return frame.scope.parents if frame.parent is not None else ()


def reasons_of(found: EntityWalk, goal: str) -> list[tuple[str, Rule, Any, Frame]]:
    """(rule id or pointer, rule, value, its entity) for each reason of a root goal."""
    out = []
    for frame, name in found.reasons[goal]:
        rule = frame.scope.rules_by_id[name]
        where = name if frame.parent is None else f"{frame.prefix}/{name}"
        out.append((where, rule, frame.env[name], frame))
    return out


class Wording:
    """Words the next questions of one evaluation with collections, each when it is read.

    What depends only on the question's kind, the prompt and the rules it feeds (options, the
    whys' texts) is made once per evaluation; the label and help are rendered in the words of
    the question's own entity (`{name}`), and the whys name the rule in its instance.
    """

    def __init__(self, compiled: CompiledRuleSet, texts: Texts) -> None:
        self.compiled, self.texts = compiled, texts
        self.scopes = entity_scopes(compiled)
        self.shared: dict[tuple[Any, ...], tuple[Question, Options, list[_Why]]] = {}

    def parts(self, item: Relevant) -> dict[str, Any]:
        """The fields of a NextQuestion for one relevant question."""
        key = (item.frame.path, item.question.id, item.adding, tuple(item.contexts))
        shared = self.shared.get(key)
        if shared is None:
            shared = self.shared[key] = self._shared(item)
        question, options, whys = shared
        t, frame = self.texts, item.frame
        path = None
        if frame.parent is not None or item.adding:  # ids need no escaping (answer_document)
            path = f"{frame.prefix}/{question.id}" + ("/-" if item.adding else "")
        local = (t.locale, t.default_locale, frame.env, t.money, _parents(frame))
        return {
            "question": question,
            "label": render(question.label, *local) or question.id,
            "help": render(question.help, *local),
            "options": options,
            "why": [
                (f"{_owner(frame, at).prefix}/{name}" if at else name, reference, text)
                for at, name, reference, text in whys
            ],
            "path": path,
        }

    def _shared(self, item: Relevant) -> tuple[Question, Options, list[_Why]]:
        locale, default = self.texts.locale, self.texts.default_locale
        question = item.question
        if item.adding is not None:
            question = _add_prompt(item.frame.scope.collections[item.adding].collection, locale)
        whys: dict[str, _Why] = {}  # once per distinct sentence, the first rule that gives it
        for at, name in item.contexts:
            scope = self.scopes[at] if at else None
            reference, text = why_asked(self.compiled, name, locale, scope)
            whys.setdefault(text, (at, name, reference, text))
        options = tuple(
            (o.value, localize(o.label, locale, default) or o.value) for o in question.options
        )
        return question, options, list(whys.values())


Options = tuple[tuple[str, str], ...]
# A why: (the path of the entity whose rule it is, the rule, its reference, the sentence).
_Why = tuple[tuple[str, ...], str, "str | None", str]


def _add_prompt(collection: Collection, locale: str) -> Question:
    """The prompt to add an instance, as a question of type `instance` (its pointer ends in -)."""
    return Question(id=collection.id, type="instance", label=add_label(collection))


def _owner(frame: Frame, path: tuple[str, ...]) -> Frame:
    """The entity (the frame or an ancestor) whose rule is the context."""
    current: Frame | None = frame
    while current is not None and current.path != path:
        current = current.parent
    return current if current is not None else frame


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
