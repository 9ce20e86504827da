"""HTTP payload schemas of a version's parts: questions, parameters, derived, rules, goals."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from api.fields import Inline, Scalar, pick, text_map
from api.schemas import ConstraintsSchema
from eligibility.model import Table
from eligibility.values_io import to_plain


def table_json(table: Table | None) -> dict[str, Any] | None:
    """A parameter table as JSON: key type, rows (nested tables inline), extension rule."""
    if table is None:
        return None
    rows = {
        str(k): table_json(v) if isinstance(v, Table) else to_plain(v)
        for k, v in table.rows.items()
    }
    data: dict[str, Any] = {"key_type": table.key_type, "rows": rows}
    if table.each_additional is not None:
        data["each_additional"] = to_plain(table.each_additional)
    if table.default is not None:
        data["default"] = to_plain(table.default)
    return data


class OptionTextsSchema(Schema):
    """An allowed answer with its labels."""

    value = fields.String(required=True)
    label = text_map(required=True)


class CheckSchema(Schema):
    """A check of an answer against earlier answers."""

    condition = fields.String(required=True)
    message = text_map(required=True)


class QuestionSchema(Schema):
    """A question as authored: type, constraints, texts, options, order hints."""

    id = fields.String(required=True)
    type = fields.String(required=True)
    label = text_map(required=True)
    help = text_map(required=True)
    options = fields.List(fields.Nested(OptionTextsSchema), required=True)
    allow_unknown = fields.Boolean(required=True)
    constraints = Inline(ConstraintsSchema, required=True)
    section = fields.String(allow_none=True)
    ask_after = fields.List(fields.String(), required=True)
    checks = fields.List(fields.Nested(CheckSchema), required=True)


class ParameterSchema(Schema):
    """A constant or table fixed by law, with its legal reference."""

    id = fields.String(required=True)
    type = fields.String(required=True)
    value = Scalar(allow_none=True)
    table = pick(lambda p: table_json(p.table), ["object", "null"])
    legal_reference = fields.String(allow_none=True)
    description = text_map(required=True)


class DerivedSchema(Schema):
    """A named intermediate value."""

    id = fields.String(required=True)
    expression = fields.String(required=True)
    type = fields.String(allow_none=True)
    description = text_map(required=True)


class ExplanationSchema(Schema):
    """The texts explaining each outcome of a rule."""

    true = text_map(attribute="explanation_true", data_key="true", required=True)
    false = text_map(attribute="explanation_false", data_key="false", required=True)


class RuleSchema(Schema):
    """A named legal condition."""

    id = fields.String(required=True)
    condition = fields.String(required=True)
    legal_reference = fields.String(required=True)
    title = text_map(required=True)
    explanation = Inline(ExplanationSchema, required=True)
    why = text_map(required=True)


class GoalDefinitionSchema(Schema):
    """An outcome the service reports."""

    id = fields.String(required=True)
    type = fields.String(required=True)
    expression = fields.String(required=True)
    label = text_map(required=True)
    description = text_map(required=True)
    legal_reference = fields.String(allow_none=True)
    why = text_map(required=True)
    currency = fields.String(allow_none=True, required=True)
    decimal_places = fields.Integer(allow_none=True, required=True)


class LegalBasisSchema(Schema):
    """A law or ordinance the version rests on."""

    reference = fields.String(required=True)
    title = text_map(required=True)
    url = fields.String(allow_none=True)


class SectionSchema(Schema):
    """A group of questions."""

    id = fields.String(required=True)
    title = text_map(required=True)
