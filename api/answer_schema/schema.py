"""The JSON Schema (2020-12) of the answers to one version, in one language."""

from __future__ import annotations

from typing import Any

from api.answer_schema.layout import layout, section_groups, ui_schema
from api.answer_schema.questions import question_schema
from api.answer_schema.texts import Texts
from api.answer_schema.why import why_by_question
from api.collection_schema import collection_properties, collection_ui, place_collections
from eligibility.compiler import CompiledRuleSet
from eligibility.evaluation import Evaluation

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def answer_schema(
    compiled: CompiledRuleSet,
    locale: str,
    schema_id: str,
    relevant_to: Evaluation | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """The JSON Schema of the answers to one version, in one language.

    With `relevant_to`, only the questions that matter for its answers now: those
    whose answers it used and those that can still change an undecided goal (at most
    `limit` of these, the most pressing first). That schema leaves
    `additionalProperties` open, so answers that no longer matter can stay in a
    form's data without failing validation.
    """
    texts = Texts(compiled, locale)
    ruleset = compiled.ruleset
    questions = sorted(compiled.questions.values(), key=lambda q: compiled.question_rank[q.id])
    open_now: list[str] = []
    if relevant_to is not None:
        open_now = [q.key for q in relevant_to.next_questions][:limit]
        shown = used_ids(relevant_to) | set(open_now)
        questions = [q for q in questions if q.id in shown]
    whys = why_by_question(compiled, texts)
    properties = {q.id: question_schema(q, texts, whys.get(q.id, [])) for q in questions}
    properties.update(
        collection_properties(compiled.collections, lambda q: question_schema(q, texts, []), texts)
    )
    groups = section_groups(ruleset, [q.id for q in questions])
    place_collections(groups, compiled.collections)
    ui = ui_schema(questions, texts, whys)
    ui.update({cid: collection_ui(c) for cid, c in compiled.collections.items()})
    ui["ui:order"] = [qid for group in groups for qid in group["questions"]]
    schema: dict[str, Any] = {
        "$schema": DRAFT,
        "$id": schema_id,
        "title": texts(ruleset.title) or ruleset.id,
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "x-ruleset": {"id": ruleset.id, "version": ruleset.version},
        "x-content-hash": compiled.content_hash,
        "x-locale": locale,
        "x-uiSchema": ui,
        "x-sections": [{**g, "title": texts(g["title"])} for g in groups],
        "x-layout": layout(groups, texts),
    }
    if relevant_to is not None:
        del schema["additionalProperties"]
        schema["x-relevant"] = {
            "next": open_now,
            "open": len(relevant_to.next_questions),
            "ignored": list(relevant_to.ignored_answers),
            "status": "complete" if relevant_to.complete else "incomplete",
        }
    description = texts(ruleset.description)
    if description:
        schema["description"] = description
    return schema


def used_ids(evaluation: Evaluation) -> set[str]:
    """The questions whose answers decide or shape a goal of an evaluation."""
    return set(evaluation.answers) - set(evaluation.ignored_answers)
