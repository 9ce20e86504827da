"""One question as a JSON Schema: its type, bounds, options, texts and "I don't know"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from api.answer_schema.texts import DONT_KNOW_TEXT, YES_NO, Texts
from eligibility.answers import DONT_KNOW
from eligibility.model import Question


def question_schema(question: Question, texts: Texts, why: list[dict[str, Any]]) -> dict[str, Any]:
    """One question: type, bounds, options, title and description, and why it is asked."""
    schema: dict[str, Any] = {"title": texts(question.label) or question.id}
    template = texts.template(question.label)
    if template is not None:  # the title elides the values quoted; a client may fill them in
        schema["x-label"] = template
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


def _boolean(question: Question, texts: Texts) -> dict[str, Any]:
    yes, no = texts.fixed(YES_NO)
    return {
        "type": "boolean",
        "oneOf": [{"const": True, "title": yes}, {"const": False, "title": no}],
    }


def _integer(question: Question, texts: Texts) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer"}
    if question.min is not None:
        schema["minimum"] = int(question.min)  # type: ignore[arg-type]
    if question.max is not None:
        schema["maximum"] = int(question.max)  # type: ignore[arg-type]
    return schema


def _decimal(question: Question, texts: Texts) -> dict[str, Any]:
    places = question.decimal_places if question.decimal_places is not None else 2
    sign = "" if question.min is not None and Decimal(str(question.min)) >= 0 else "-?"
    fraction = rf"(\.[0-9]{{1,{places}}})?" if places else ""
    number = rf"{sign}[0-9]{{1,16}}{fraction}"
    pattern = rf"^({number}|{DONT_KNOW})$" if question.allow_unknown else rf"^{number}$"
    schema: dict[str, Any] = {
        "type": "string",
        "format": "decimal",
        "pattern": pattern,
        "examples": [example_amount(places)],
    }
    if question.min is not None:
        schema["formatMinimum"] = str(question.min)
    if question.max is not None:
        schema["formatMaximum"] = str(question.max)
    return schema


def example_amount(places: int) -> str:
    """An amount with this many decimal places to show as an example (412.50)."""
    return "412" if places == 0 else "412." + "50"[:places].ljust(places, "0")


def _string(question: Question, texts: Texts) -> dict[str, Any]:
    return {"type": "string", "maxLength": question.max_length or 500}


def _enum(question: Question, texts: Texts) -> dict[str, Any]:
    values = [o.value for o in question.options]
    titles = [texts(o.label) or o.value for o in question.options]
    if question.allow_unknown:
        values.append(DONT_KNOW)
        titles.append(texts.fixed(DONT_KNOW_TEXT))
    return {
        "type": "string",
        "enum": values,
        "oneOf": [{"const": v, "title": t} for v, t in zip(values, titles, strict=True)],
    }


def _date(question: Question, texts: Texts) -> dict[str, Any]:
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


def _with_dont_know(schema: dict[str, Any], texts: Texts) -> dict[str, Any]:
    if "enum" in schema:
        return schema  # "unknown" is one of the options already
    dont_know = {"const": DONT_KNOW, "title": texts.fixed(DONT_KNOW_TEXT)}
    if schema.get("type") == "boolean":
        schema.pop("type")
        schema["enum"] = [True, False, DONT_KNOW]
        schema["oneOf"] = [*schema["oneOf"], dont_know]
        return schema
    outer: dict[str, Any] = {k: schema.pop(k) for k in ("title", "description") if k in schema}
    return {**outer, "anyOf": [{**schema, "title": outer.get("title", "")}, dont_know]}
