"""Schemas of the entries named by id: sections, questions, parameters, derived, rules, goals."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from eligibility.model import QUESTION_TYPES, VALUE_TYPES
from eligibility.ruleset_schema.field_types import (
    CURRENCY_PATTERN,
    MAX_TEXT,
    MESSAGES,
    Expression,
    LocalizedText,
    StrictSchema,
    decimal_places_field,
    list_of,
    mapping,
    messages,
    nested,
    one_of,
    text_field,
)


class LegalBasisSchema(StrictSchema):
    """One law the version rests on."""

    reference = text_field(required=True)
    title = LocalizedText()
    url = fields.Url(error_messages=messages(invalid="expected a web address"))


class SectionSchema(StrictSchema):
    """A group of questions."""

    title = LocalizedText(required=True)


class CheckSchema(StrictSchema):
    """A condition an answer must meet, given the earlier answers."""

    when = Expression(required=True)
    message = LocalizedText(required=True)


def _currency(value: str) -> None:
    if not CURRENCY_PATTERN.match(value):
        raise ValidationError(
            f"expected a currency code of three capital letters such as EUR or USD, got '{value}'"
        )


def _amount_only(data: dict[str, Any], what: str) -> None:
    """Only numbers are amounts: a currency on a yes/no question or a date makes no sense."""
    if "currency" in data and data.get("type") not in ("decimal", "integer"):
        raise ValidationError(
            f"only decimal and integer {what}s are amounts with a currency, "
            f"not {data.get('type')} {what}s",
            "currency",
        )


class QuestionSchema(StrictSchema):
    """One question: type, texts, constraints."""

    type = one_of(QUESTION_TYPES, required=True, error_messages=MESSAGES)
    label = LocalizedText(required=True)
    help = LocalizedText()
    options = mapping(values=LocalizedText())
    allow_unknown = fields.Boolean(error_messages=messages(invalid="expected true or false"))
    min = fields.Raw()
    max = fields.Raw()
    decimal_places = decimal_places_field()
    max_length = fields.Integer(
        strict=True, validate=validate.Range(1, MAX_TEXT, error=f"must be from 1 to {MAX_TEXT}")
    )
    section = fields.String()
    ask_after = list_of(fields.String())
    checks = list_of(nested(CheckSchema))
    currency = fields.String(validate=_currency)

    @validates_schema
    def _options_fit_type(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("type") == "enum" and not data.get("options"):
            raise ValidationError("an enum question needs its options", "options")
        if data.get("options") and data.get("type") != "enum":
            raise ValidationError("only enum questions have options", "options")
        _amount_only(data, "question")


class ParameterSchema(StrictSchema):
    """A figure fixed by law: a single value or a table."""

    type = one_of(VALUE_TYPES)
    value = fields.Raw(allow_none=False)
    table = fields.Dict(error_messages=messages(invalid="expected rows as {{key: value}}"))
    each_additional = fields.Raw()
    default = fields.Raw()
    legal_reference = text_field()
    description = LocalizedText()

    @validates_schema
    def _value_or_table(self, data: dict[str, Any], **kwargs: Any) -> None:
        if ("value" in data) == ("table" in data):
            raise ValidationError("give either a value or a table", "value")
        for key in ("each_additional", "default"):
            if key in data and "table" not in data:
                raise ValidationError(f"only tables have {key}", key)


class DerivedSchema(StrictSchema):
    """A named intermediate value."""

    value = Expression(required=True)
    type = one_of(VALUE_TYPES)
    description = LocalizedText()


class ExplanationSchema(StrictSchema):
    """The reason shown when a rule holds (`true`) and when it does not (`false`)."""

    true = LocalizedText()
    false = LocalizedText()


class RuleSchema(StrictSchema):
    """A named legal condition."""

    when = Expression(required=True)
    legal_reference = text_field(required=True)
    title = LocalizedText()
    explanation = nested(ExplanationSchema)
    why = LocalizedText()


class GoalSchema(StrictSchema):
    """An outcome the service reports."""

    type = one_of(VALUE_TYPES, required=True, error_messages=MESSAGES)
    value = Expression(required=True)
    label = LocalizedText()
    description = LocalizedText()
    legal_reference = text_field()
    why = LocalizedText()
    currency = fields.String(validate=_currency)
    decimal_places = decimal_places_field()

    @validates_schema
    def _scale_fits_type(self, data: dict[str, Any], **kwargs: Any) -> None:
        _amount_only(data, "goal")
        if "decimal_places" in data and data.get("type") != "decimal":
            raise ValidationError(
                f"only decimal goals have decimal_places, not {data.get('type')} goals",
                "decimal_places",
            )


ENTRY_SCHEMAS: dict[str, type[Schema]] = {
    "sections": SectionSchema,
    "questions": QuestionSchema,
    "parameters": ParameterSchema,
    "derived": DerivedSchema,
    "rules": RuleSchema,
    "goals": GoalSchema,
}
