"""The answers document of a claim about several people: root answers and instances.

    {"state": "BY", "children_complete": false,
     "children": [{"id": "c1", "name": "Anna", "birth_date": "2010-05-01"}, …]}

Every problem is reported at once with a JSON Pointer into the document, instances addressed
by their id (`/children/c1/birth_date`); nothing is half-applied.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from eligibility.answer_converters import Converter, converters
from eligibility.answers import NO_COLLECTIONS, Answers, parse_values
from eligibility.compiled_parts import CompiledCollection
from eligibility.errors import AnswerError
from eligibility.model import Question
from eligibility.values_io import pointer

ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def parse_document(
    questions: Mapping[str, Question],
    collections: Mapping[str, CompiledCollection],
    raw: Mapping[str, Any],
) -> Answers:
    """Convert and check a whole answers document; raise AnswerError listing every problem."""
    errors: dict[str, list[str]] = {}
    answers = _entity(questions, collections, raw, errors, ())
    if errors:
        raise AnswerError(errors)
    return answers


def _entity(
    questions: Mapping[str, Question],
    collections: Mapping[str, CompiledCollection],
    raw: Mapping[str, Any],
    errors: dict[str, list[str]],
    at: tuple[str, ...],
    instance_id: str | None = None,
    convert: Mapping[str, Converter] | None = None,
) -> Answers:
    skip = frozenset(collections) | ({"id"} if instance_id is not None else frozenset())
    answers = parse_values(questions, raw, errors, at, skip, convert)
    if not collections:  # an instance without collections of its own: nothing to hold
        return Answers(answers.values, answers.dont_know, NO_COLLECTIONS, instance_id)
    found: dict[str, tuple[Answers, ...]] = {}
    for cid, compiled in collections.items():
        items = raw.get(cid)
        if items is None:
            found[cid] = ()
            continue
        found[cid] = _instances(compiled, items, errors, (*at, cid))
        _check_count(compiled, answers, len(found[cid]), errors, at)
    return Answers(answers.values, answers.dont_know, found, instance_id)


def _instances(
    compiled: CompiledCollection, items: Any, errors: dict[str, list[str]], at: tuple[str, ...]
) -> tuple[Answers, ...]:
    c = compiled.collection
    if not isinstance(items, list):
        errors[pointer(*at)] = [f'expected a list of {c.id}: objects each with an "id"']
        return ()
    if len(items) > c.max:
        errors[pointer(*at)] = [f"at most {c.max} {c.id} may be listed, got {len(items)}"]
        return ()
    seen: set[str] = set()
    found: list[Answers] = []
    convert = converters(compiled.questions)  # made once for every instance
    for index, item in enumerate(items):
        where = (*at, str(index))
        if not isinstance(item, Mapping):
            errors[pointer(*where)] = ['expected an object with an "id" and its answers']
            continue
        iid = item.get("id")
        if not isinstance(iid, str) or not ID_PATTERN.match(iid):
            errors[pointer(*where, "id")] = [
                "each instance needs an id: 1 to 64 letters, digits, '_', '-' or '.'"
            ]
            continue
        if iid in seen:
            errors[pointer(*at, iid)] = [f"the id '{iid}' is used twice"]
            continue
        seen.add(iid)
        found.append(
            _entity(
                compiled.questions, compiled.collections, item, errors, (*at, iid), iid, convert
            )
        )
    return tuple(found)


def _check_count(
    compiled: CompiledCollection,
    parent: Answers,
    listed: int,
    errors: dict[str, list[str]],
    at: tuple[str, ...],
) -> None:
    """The instances listed against the parent's completeness answer and the declared bounds."""
    c = compiled.collection
    answer = parent.values.get(c.completeness_question)
    where = pointer(*at, c.id)
    if c.completeness == "how_many" and isinstance(answer, int) and not isinstance(answer, bool):
        if listed > answer:
            errors.setdefault(where, []).append(
                f"{listed} {c.id} are listed, but {c.completeness_question} says {answer}"
            )
        if not c.min <= answer <= c.max:
            errors.setdefault(pointer(*at, c.completeness_question), []).append(
                f"expected from {c.min} to {c.max}, got {answer}"
            )
    if c.completeness == "ask_another" and answer is True and listed < c.min:
        errors.setdefault(where, []).append(
            f"at least {c.min} {c.id} must be listed before the list is complete, got {listed}"
        )


def asked_by(
    questions: Mapping[str, Question],
    collections: Mapping[str, CompiledCollection],
    raw: Mapping[str, Any],
) -> dict[str, Any]:
    """The answers of a document that these questions ask; the others are left out.

    A what-if evaluates recorded answers under another version: an answer to a question that
    version no longer asks (a correction removed it, since it decided nothing in its window)
    cannot change what the version decides, so it is set aside instead of refused.
    """
    kept: dict[str, Any] = {}
    for key, answer in raw.items():
        nested = collections.get(key)
        if nested is not None and isinstance(answer, list):
            kept[key] = [_asked_in(nested, item) for item in answer]
        elif key in questions or key in collections:
            kept[key] = answer
    return kept


def _asked_in(collection: CompiledCollection, item: Any) -> Any:
    if not isinstance(item, Mapping):
        return item  # not an instance: parsing names the problem
    kept = asked_by(collection.questions, collection.collections, item)
    if "id" in item:
        kept["id"] = item["id"]
    return kept
