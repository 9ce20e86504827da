"""HTTP payload schemas of the answer-schema endpoint: query, answers so far, the document."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas import LOCALE, RequestSchema, answers_field


class QuestionsQuerySchema(Schema):
    """Query of the JSON Schema endpoint."""

    locale = fields.String(
        validate=LOCALE, metadata={"description": "Language of titles and descriptions."}
    )


class RelevantQuestionsSchema(RequestSchema):
    """The answers so far, to get the schema of only the questions that matter now."""

    answers = answers_field()
    as_of = fields.Date(
        metadata={"description": "Date the claim is about (default: the version's first day)."}
    )
    limit = fields.Integer(
        validate=validate.Range(1, 1000),
        metadata={
            "description": "At most this many open questions (the most pressing first); "
            "default: all that can still change an undecided goal.",
            "example": 3,
        },
    )


class AnswerSchemaSchema(Schema):
    """A JSON Schema (2020-12) of a version's answer set, with rjsf hints (`x-uiSchema`)."""

    schema = fields.String(data_key="$schema", required=True)
    id = fields.String(data_key="$id", required=True)
    title = fields.String(required=True)
    description = fields.String()
    type = fields.String(required=True, metadata={"enum": ["object"]})
    properties = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(),
        required=True,
        metadata={
            "description": "Each question by id; each collection an array of objects "
            "(`items`, `minItems`, `maxItems`) with `x-completeness` (the question that "
            "closes the list), `x-item-label` and, when the rule set names its instances, "
            "`title` (the plural) and `x-title`: the words for one and for several "
            '(`{"one": "child", "other": "children"}`), in the chosen language. A question '
            "whose label quotes values has the title with each elided (`How old is …?`) and "
            "the label as written in `x-label` (`How old is {name}?`; a value of an enclosing "
            "entity as `{household.applicant}`)."
        },
    )
    additionalProperties = fields.Boolean(  # noqa: N815 - a JSON Schema keyword
        metadata={"description": "false, except in the schema of the questions that matter now."}
    )
    x_ruleset = fields.Dict(data_key="x-ruleset", required=True)
    x_content_hash = fields.String(data_key="x-content-hash", required=True)
    x_locale = fields.String(data_key="x-locale", required=True)
    x_ui_schema = fields.Dict(data_key="x-uiSchema", required=True)
    x_sections = fields.List(
        fields.Dict(),
        data_key="x-sections",
        required=True,
        metadata={"description": "Sections in asking order: id, title, question ids."},
    )
    x_layout = fields.Dict(
        data_key="x-layout",
        required=True,
        metadata={"description": "A JSON Forms UI schema with a Group per section."},
    )
    x_relevant = fields.Dict(
        data_key="x-relevant",
        metadata={
            "description": "Only in the schema of the questions that matter now: `next` "
            "(the open questions shown), `open` (how many are open in all), `ignored` "
            "(answers that no longer matter), `status` (complete or incomplete)."
        },
    )
