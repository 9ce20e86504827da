"""A version's questions as a JSON Schema (2020-12) of the answer set, for generic form renderers.

Made to be used as-is by react-jsonschema-form (rjsf) and JSON Forms:
- titles and descriptions are the questions' labels and help in the chosen language;
- decimals (amounts) are strings with a `pattern` ("412.50"), which rjsf renders as a
  text field and never turns into a float; the API also accepts them as JSON numbers;
- enum questions carry `enum` (the values) and `oneOf` [{const, title}] (the labels);
- questions that allow "I don't know" also accept the string "unknown";
- `x-why` lists the rules a question feeds with their legal references, and `x-uiSchema`
  is a ready rjsf uiSchema (order, radio widgets, option labels, the why as help).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from eligibility.answers import DONT_KNOW, MAX_DATE, MAX_INTEGER, MIN_DATE
from eligibility.compiler import PLACEHOLDER, CompiledRuleSet
from eligibility.model import Question, Text, localize
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


def answer_schema(compiled: CompiledRuleSet, locale: str, schema_id: str) -> dict[str, Any]:
    """The JSON Schema of the answers to one version, in one language."""
    texts = _Texts(compiled, locale)
    ruleset = compiled.ruleset
    questions = sorted(compiled.questions.values(), key=lambda q: compiled.question_rank[q.id])
    whys = why_by_question(compiled, texts)
    properties = {q.id: question_schema(q, texts, whys.get(q.id, [])) for q in questions}
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
        "x-uiSchema": ui_schema(questions, texts, whys),
    }
    description = texts(ruleset.description)
    if description:
        schema["description"] = description
    return schema


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
    low = question.min if question.min is not None else -MAX_INTEGER
    high = question.max if question.max is not None else MAX_INTEGER
    return {"type": "integer", "minimum": int(low), "maximum": int(high)}  # type: ignore[arg-type]


def _decimal(question: Question, texts: _Texts) -> dict[str, Any]:
    places = question.decimal_places if question.decimal_places is not None else 2
    sign = "" if question.min is not None and Decimal(str(question.min)) >= 0 else "-?"
    fraction = rf"(\.[0-9]{{1,{places}}})?" if places else ""
    number = rf"{sign}[0-9]{{1,16}}{fraction}"
    pattern = rf"^({number}|{DONT_KNOW})$" if question.allow_unknown else rf"^{number}$"
    schema: dict[str, Any] = {"type": "string", "pattern": pattern, "examples": [_example(places)]}
    if question.min is not None:
        schema["x-minimum"] = str(question.min)
    if question.max is not None:
        schema["x-maximum"] = str(question.max)
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
    low = question.min if isinstance(question.min, dt.date) else MIN_DATE
    high = question.max if isinstance(question.max, dt.date) else MAX_DATE
    return {
        "type": "string",
        "format": "date",
        "x-minimum": low.isoformat(),
        "x-maximum": high.isoformat(),
    }


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
