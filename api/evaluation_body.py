"""The body of `POST /v1/evaluations` built directly, without a marshmallow dump.

`EvaluationSchema` stays the contract (it documents the response and tests compare this
body with its dump on many evaluations); this module writes the same JSON data with
plain code, because the dump walked every field of every next question and reason per
request through marshmallow's machinery (~7x the cost of this). `parts` leaves out the
optional parts a client did not ask for (`?fields=`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from api.schemas import PARTS
from eligibility.evaluation import Evaluation, GoalResult, NextQuestion, TraceStep
from eligibility.instance_results import InstanceResult
from eligibility.model import Question
from eligibility.values_io import to_plain

_CONSTRAINTS = ("min", "max", "decimal_places", "max_length", "currency")


def evaluation_body(
    evaluation: Evaluation, parts: Collection[str] = PARTS, trace: bool = False
) -> dict[str, Any]:
    """The evaluation as `EvaluationSchema` dumps it (the trace only when asked)."""
    body: dict[str, Any] = {
        "ruleset": {
            "id": evaluation.ruleset_id,
            "version": evaluation.version,
            "content_hash": evaluation.content_hash,
        },
        "as_of": evaluation.as_of.isoformat(),
        "locale": evaluation.locale,
        "status": "complete" if evaluation.complete else "incomplete",
    }
    if "answers" in parts:
        body["answers"] = {str(k): to_plain(v) for k, v in evaluation.answers.items()}
    if "goals" in parts:
        body["goals"] = {str(k): _goal(g) for k, g in evaluation.goals.items()}
    if "next_questions" in parts:
        body["next_questions"] = [_next_question(q) for q in evaluation.next_questions]
    if "ignored_answers" in parts:
        body["ignored_answers"] = list(evaluation.ignored_answers)
    if "instances" in parts:
        body["instances"] = _collections(evaluation.instances)
    if trace:
        body["trace"] = [_step(s) for s in evaluation.trace]
    return body


def _goal(goal: GoalResult) -> dict[str, Any]:
    return {
        "value": to_plain(goal.value),
        "decided": goal.decided,
        "type": goal.type,
        "label": goal.label,
        "reasons": [
            {
                "rule": r.rule,
                "value": r.value,
                "text": r.text,
                "legal_reference": r.legal_reference,
            }
            for r in goal.reasons
        ],
        "currency": goal.currency,
        "decimal_places": goal.decimal_places,
    }


def _collections(
    collections: Mapping[str, tuple[InstanceResult, ...]],
) -> dict[str, list[dict[str, Any]]]:
    return {
        str(cid): [
            {
                "id": item.id,
                "pointer": item.pointer,
                "label": item.label,
                "goals": {str(k): _goal(g) for k, g in item.goals.items()},
                "collections": _collections(item.collections),
            }
            for item in items
        ]
        for cid, items in collections.items()
    }


def _next_question(asked: NextQuestion) -> dict[str, Any]:
    question = asked.question
    return {  # the schema's order: clients see the same document either way
        "id": question.id,
        "path": asked.pointer,
        "type": question.type,
        "label": asked.label,
        "help": asked.help,
        "options": [{"value": value, "label": label} for value, label in asked.options],
        "constraints": constraints(question),
        "allow_unknown": question.allow_unknown,
        "section": question.section,
        "why": [
            {"rule": w.rule, "legal_reference": w.legal_reference, "text": w.text}
            for w in asked.why
        ],
    }


def constraints(question: Question) -> dict[str, Any]:
    """An answer's bounds as `ConstraintsSchema` dumps them (absent when unbounded)."""
    found = {name: getattr(question, name) for name in _CONSTRAINTS}
    return {name: to_plain(value) for name, value in found.items() if value is not None}


def _step(step: TraceStep) -> dict[str, Any]:
    return {
        "name": step.name,
        "kind": step.kind,
        "inputs": {str(k): to_plain(v) for k, v in step.inputs.items()},
        "result": to_plain(step.result),
        "legal_reference": step.legal_reference,
    }
