"""Collections in the JSON Schema of the answers: arrays of objects a form renderer can draw.

Each collection is an array (`minItems`/`maxItems` as declared) of objects with an `id` the
client chooses and the instance's questions (nested collections inside); the item label
and the completeness question are named in `x-item-label` and `x-completeness`. A titled
collection is titled with its plural ("children") and names both words in `x-title`
(`{"one": "child", "other": "children"}`), so a front end can say "You have added 2 children".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from eligibility.answer_document import ID_PATTERN
from eligibility.collection_titles import FORMS, noun
from eligibility.compiled_parts import CompiledCollection
from eligibility.model import Question, Text

Describe = Callable[[Question], dict[str, Any]]
Label = Callable[["Text | None"], "str | None"]


def collection_properties(
    collections: Mapping[str, CompiledCollection], describe: Describe, label: Label
) -> dict[str, dict[str, Any]]:
    """The schema of each collection under one entity, by collection id."""
    return {cid: _collection(c, describe, label) for cid, c in collections.items()}


def _collection(c: CompiledCollection, describe: Describe, label: Label) -> dict[str, Any]:
    spec = c.collection
    questions = sorted(c.questions.values(), key=lambda q: c.question_rank[q.id])
    item: dict[str, Any] = {
        "type": "object",
        "properties": {
            "id": {
                "type": "string",
                "pattern": ID_PATTERN.pattern,
                "title": "id",
                "description": "Chosen by the client; stays the same across interview steps.",
            },
            **{q.id: describe(q) for q in questions},
            **collection_properties(c.collections, describe, label),
        },
        "required": ["id"],
        "additionalProperties": False,
    }
    title = label(spec.item_label)
    if title:
        item["x-item-label"] = title
    named = {form: label(noun(spec.title, form)) for form in FORMS} if spec.title else {}
    return {
        "type": "array",
        "title": named.get("other") or spec.id,
        **({"x-title": named} if named else {}),
        "items": item,
        "minItems": spec.min,
        "maxItems": spec.max,
        "x-completeness": {"kind": spec.completeness, "question": spec.completeness_question},
        "x-order": spec.order,
    }


def place_collections(groups: list[dict[str, Any]], collections: Mapping[str, Any]) -> None:
    """Each collection placed right after its completeness question (else at the end)."""
    for cid, c in collections.items():
        anchor = c.collection.completeness_question
        group = next((g for g in groups if anchor in g["questions"]), None)
        if group is None:
            if not groups:
                groups.append({"id": None, "title": None, "questions": []})
            groups[-1]["questions"].append(cid)
        else:
            group["questions"].insert(group["questions"].index(anchor) + 1, cid)


def collection_ui(c: CompiledCollection) -> dict[str, Any]:
    """The rjsf uiSchema of a collection: the order of each item's fields."""
    questions = sorted(c.questions, key=c.question_rank.__getitem__)
    return {"items": {"ui:order": ["id", *questions, *c.collections]}}
