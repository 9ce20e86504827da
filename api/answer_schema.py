"""A version's questions as a JSON Schema (2020-12) of the answer set, for generic form renderers.

Made to be used as-is by react-jsonschema-form (rjsf) and JSON Forms:
- titles and descriptions are the questions' labels and help in the chosen language;
- bounds are standard keywords: `minimum`/`maximum` on integers; decimals (amounts) are
  strings with a `pattern` ("412.50"), which rjsf renders as a text field and never turns
  into a float (the API also accepts JSON numbers), so their bounds, like those of dates,
  are `formatMinimum`/`formatMaximum` (the keywords of ajv-formats, for string formats:
  `decimal` and `date`); an unbounded integer has no bounds;
- enum questions carry `enum` (the values) and `oneOf` [{const, title}] (the labels);
- questions that allow "I don't know" also accept the string "unknown";
- `x-why` lists the rules a question feeds with their legal references, and `x-uiSchema`
  is a ready rjsf uiSchema (order, radio widgets, option labels, the why as help);
- sections are groups: `x-sections` lists them in asking order with their questions, and
  `x-layout` is the same as a JSON Forms UI schema (a `Group` per section);
- given an evaluation, only the questions that matter now are described: the answers it
  used and the questions that can still change an undecided goal (`x-relevant`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from api.collection_schema import collection_properties, collection_ui, place_collections
from eligibility.answers import DONT_KNOW
from eligibility.compiler import PLACEHOLDER, CompiledRuleSet
from eligibility.evaluation import Evaluation
from eligibility.model import Question, RuleSet, Text, localize
from eligibility.texts import why_asked

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_DONT_KNOW = {
    "en": "I don't know",
    "de": "Weiß ich nicht",
    "es": "No lo sé",
    "fr": "Je ne sais pas",
}
_YES_NO = {"en": ("Yes", "No"), "de": ("Ja", "Nein"), "es": ("Sí", "No"), "fr": ("Oui", "Non")}


class _Texts:
    """Texts of one version in one language (placeholders shown as an ellipsis)."""

    def __init__(self, compiled: CompiledRuleSet, locale: str) -> None:
        self.locale, self.default = locale, compiled.ruleset.default_locale

    def __call__(self, text: Text | None) -> str | None:
        chosen = localize(text, self.locale, self.default)
        return None if chosen is None else PLACEHOLDER.sub("…", chosen)

    def fixed(self, table: dict[str, Any]) -> Any:
        return table.get(self.locale.split("-")[0], table["en"])


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
    texts = _Texts(compiled, locale)
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


def layout(groups: list[dict[str, Any]], texts: _Texts) -> dict[str, Any]:
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


def question_schema(question: Question, texts: _Texts, why: list[dict[str, Any]]) -> dict[str, Any]:
    """One question: type, bounds, options, title and description, and why it is asked."""
    schema: dict[str, Any] = {"title": texts(question.label) or question.id}
    help_text = texts(question.help)
    if help_text:
        schema["description"] = help_text
    schema.update(_TYPES[question.type](question, texts))
    if question.allow_unknown and question.type not in ("string", "decimal"):
        schema = _with_dont_know(schema, texts)
    if question.section:
        schema["x-section"] = question.section
    if question.currency:
        schema["x-currency"] = question.currency
    schema["x-type"] = question.type
    schema["x-why"] = why
    return schema


def _boolean(question: Question, texts: _Texts) -> dict[str, Any]:
    yes, no = texts.fixed(_YES_NO)
    return {
        "type": "boolean",
        "oneOf": [{"const": True, "title": yes}, {"const": False, "title": no}],
    }


def _integer(question: Question, texts: _Texts) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer"}
    if question.min is not None:
        schema["minimum"] = int(question.min)  # type: ignore[arg-type]
    if question.max is not None:
        schema["maximum"] = int(question.max)  # type: ignore[arg-type]
    return schema


def _decimal(question: Question, texts: _Texts) -> dict[str, Any]:
    places = question.decimal_places if question.decimal_places is not None else 2
    sign = "" if question.min is not None and Decimal(str(question.min)) >= 0 else "-?"
    fraction = rf"(\.[0-9]{{1,{places}}})?" if places else ""
    number = rf"{sign}[0-9]{{1,16}}{fraction}"
    pattern = rf"^({number}|{DONT_KNOW})$" if question.allow_unknown else rf"^{number}$"
    schema: dict[str, Any] = {
        "type": "string",
        "format": "decimal",
        "pattern": pattern,
        "examples": [_example(places)],
    }
    if question.min is not None:
        schema["formatMinimum"] = str(question.min)
    if question.max is not None:
        schema["formatMaximum"] = str(question.max)
    return schema


def _example(places: int) -> str:
    return "412" if places == 0 else "412." + "50"[:places].ljust(places, "0")


def _string(question: Question, texts: _Texts) -> dict[str, Any]:
    return {"type": "string", "maxLength": question.max_length or 500}


def _enum(question: Question, texts: _Texts) -> dict[str, Any]:
    values = [o.value for o in question.options]
    titles = [texts(o.label) or o.value for o in question.options]
    if question.allow_unknown:
        values.append(DONT_KNOW)
        titles.append(texts.fixed(_DONT_KNOW))
    return {
        "type": "string",
        "enum": values,
        "oneOf": [{"const": v, "title": t} for v, t in zip(values, titles, strict=True)],
    }


def _date(question: Question, texts: _Texts) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "format": "date"}
    if isinstance(question.min, dt.date):
        schema["formatMinimum"] = question.min.isoformat()
    if isinstance(question.max, dt.date):
        schema["formatMaximum"] = question.max.isoformat()
    return schema


_TYPES = {
    "boolean": _boolean,
    "integer": _integer,
    "decimal": _decimal,
    "string": _string,
    "enum": _enum,
    "date": _date,
}


def _with_dont_know(schema: dict[str, Any], texts: _Texts) -> dict[str, Any]:
    if "enum" in schema:
        return schema  # "unknown" is one of the options already
    dont_know = {"const": DONT_KNOW, "title": texts.fixed(_DONT_KNOW)}
    if schema.get("type") == "boolean":
        schema.pop("type")
        schema["enum"] = [True, False, DONT_KNOW]
        schema["oneOf"] = [*schema["oneOf"], dont_know]
        return schema
    outer: dict[str, Any] = {k: schema.pop(k) for k in ("title", "description") if k in schema}
    return {**outer, "anyOf": [{**schema, "title": outer.get("title", "")}, dont_know]}


def why_by_question(compiled: CompiledRuleSet, texts: _Texts) -> dict[str, list[dict[str, Any]]]:
    """For each question, the rules (or goals) that read it, directly or through derived values."""
    found: dict[str, list[dict[str, Any]]] = {}
    for name in [*(r.id for r in compiled.ruleset.rules), *(g.id for g in compiled.ruleset.goals)]:
        reference, text = why_asked(compiled, name, texts.locale)
        why: dict[str, Any] = {"rule": name, "legal_reference": reference, "text": text}
        for question in _questions_read(compiled, name):
            found.setdefault(question, []).append(why)
    return found


def _questions_read(compiled: CompiledRuleSet, name: str) -> list[str]:
    """Questions a rule reads itself or through derived values (other rules have their own why)."""
    seen: set[str] = set()
    found: list[str] = []
    stack = list(compiled.named[name].reads)
    while stack:
        read = stack.pop()
        if read in seen:
            continue
        seen.add(read)
        if read in compiled.questions:
            found.append(read)
        elif read in compiled.named and compiled.named[read].kind == "derived":
            stack.extend(compiled.named[read].reads)
    return sorted(found, key=compiled.question_rank.__getitem__)


def ui_schema(
    questions: list[Question], texts: _Texts, whys: dict[str, list[dict[str, Any]]]
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
                hints["ui:enumNames"].append(texts.fixed(_DONT_KNOW))
        if q.type == "decimal":
            hints["ui:placeholder"] = _example(
                q.decimal_places if q.decimal_places is not None else 2
            )
        reasons = [w["text"] for w in whys.get(q.id, []) if w["text"]]
        if reasons:
            hints["ui:help"] = " ".join(dict.fromkeys(reasons))
        ui[q.id] = hints
    return ui
