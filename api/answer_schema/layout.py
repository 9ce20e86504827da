"""The form's layout: sections in asking order, a JSON Forms UI schema and an rjsf uiSchema."""

from __future__ import annotations

from typing import Any

from api.answer_schema.questions import example_amount
from api.answer_schema.texts import DONT_KNOW_TEXT, Texts
from eligibility.model import Question, RuleSet


def section_groups(ruleset: RuleSet, ordered: list[str]) -> list[dict[str, Any]]:
    """Questions by section in asking order (one without a section joins the one before it)."""
    titles = {s.id: s.title for s in ruleset.sections}
    effective: dict[str, str | None] = {}
    current: str | None = None
    for question in ruleset.questions:
        current = question.section or current
        effective[question.id] = current
    groups: dict[str | None, dict[str, Any]] = {}
    for qid in ordered:
        section = effective.get(qid)
        group = groups.setdefault(
            section, {"id": section, "title": titles.get(section or ""), "questions": []}
        )
        group["questions"].append(qid)
    return list(groups.values())


def layout(groups: list[dict[str, Any]], texts: Texts) -> dict[str, Any]:
    """A JSON Forms UI schema: a vertical layout with a `Group` per section."""
    elements: list[dict[str, Any]] = []
    for group in groups:
        controls = [
            {"type": "Control", "scope": f"#/properties/{qid}"} for qid in group["questions"]
        ]
        if group["id"] is None:
            elements.extend(controls)
        else:
            label = texts(group["title"]) or group["id"]
            elements.append({"type": "Group", "label": label, "elements": controls})
    return {"type": "VerticalLayout", "elements": elements}


def ui_schema(
    questions: list[Question], texts: Texts, whys: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    """A react-jsonschema-form uiSchema: order, widgets, option labels, the why as help."""
    ui: dict[str, Any] = {"ui:order": [q.id for q in questions]}
    for q in questions:
        hints: dict[str, Any] = {}
        if q.type == "boolean" or (q.type == "enum" and len(q.options) <= 4):
            hints["ui:widget"] = "radio"
        if q.type == "enum":
            hints["ui:enumNames"] = [texts(o.label) or o.value for o in q.options]
            if q.allow_unknown:
                hints["ui:enumNames"].append(texts.fixed(DONT_KNOW_TEXT))
        if q.type == "decimal":
            hints["ui:placeholder"] = example_amount(
                q.decimal_places if q.decimal_places is not None else 2
            )
        reasons = [w["text"] for w in whys.get(q.id, []) if w["text"]]
        if reasons:
            hints["ui:help"] = " ".join(dict.fromkeys(reasons))
        ui[q.id] = hints
    return ui
