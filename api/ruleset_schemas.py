"""HTTP payload schemas of rule sets and versions (texts in every language they are written in).

These describe the API's view of a version; the rule-file format has its own schemas in the core.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from api.fields import Inline, Scalar, pick, text_map
from api.schemas import LOCALE, ConstraintsSchema, RequestSchema, answers_field
from eligibility.catalogue import RulesetVersions
from eligibility.compiler import CompiledRuleSet
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


class DatedBySchema(Schema):
    """The answer that dates a claim and so picks the version (docs/api.md)."""

    question = fields.String(required=True, metadata={"example": "claim_month"})
    period = fields.String(
        required=True,
        metadata={
            "enum": ["day", "month"],
            "description": "month: the version in force on the month's first day governs "
            "the whole month",
        },
    )


def dated_by_field(attribute: str) -> fields.Nested:
    """The `dated_by` of a version (null when `as_of` or today picks the version)."""
    return fields.Nested(DatedBySchema, allow_none=True, required=True, attribute=attribute)


class VersionSummarySchema(Schema):
    """A version's identity, effective window, status and content hash."""

    version = fields.String(required=True, attribute="ruleset.version")
    status = fields.String(required=True, attribute="ruleset.status")
    effective_from = fields.Date(required=True, attribute="ruleset.effective_from")
    effective_to = fields.Date(allow_none=True, attribute="ruleset.effective_to")
    content_hash = fields.String(required=True)
    extends = fields.String(allow_none=True, attribute="ruleset.extends")
    title = text_map(required=True, attribute="ruleset.title")
    supersedes = fields.String(
        allow_none=True,
        required=True,
        attribute="ruleset.supersedes",
        metadata={"description": "A correction: the published version it corrects (same window)"},
    )
    correction_reason = text_map(
        required=True,
        attribute="ruleset.correction_reason",
        metadata={"description": "Why the correction was made; {} for other versions"},
    )
    published_at = fields.DateTime(
        allow_none=True,
        required=True,
        attribute="ruleset.published_at",
        metadata={"description": "A correction governs its window from this moment on"},
    )


def _locales(compiled: CompiledRuleSet) -> list[str]:
    return sorted(compiled.locales)


class VersionSchema(VersionSummarySchema):
    """One version in full: questions, parameters, derived values, rules, goals and texts."""

    ruleset = fields.String(required=True, attribute="ruleset.id")
    description = text_map(required=True, attribute="ruleset.description")
    default_locale = fields.String(required=True, attribute="ruleset.default_locale")
    locales = pick(_locales, "array", True, items={"type": "string"})
    legal_basis = fields.List(
        fields.Nested(LegalBasisSchema), required=True, attribute="ruleset.legal_basis"
    )
    sections = fields.List(
        fields.Nested(SectionSchema), required=True, attribute="ruleset.sections"
    )
    questions = fields.List(
        fields.Nested(QuestionSchema), required=True, attribute="ruleset.questions"
    )
    parameters = fields.List(
        fields.Nested(ParameterSchema), required=True, attribute="ruleset.parameters"
    )
    derived = fields.List(fields.Nested(DerivedSchema), required=True, attribute="ruleset.derived")
    rules = fields.List(fields.Nested(RuleSchema), required=True, attribute="ruleset.rules")
    goals = fields.List(
        fields.Nested(GoalDefinitionSchema), required=True, attribute="ruleset.goals"
    )
    dated_by = dated_by_field("ruleset.dated_by")


class AuthoredVersionSchema(VersionSchema):
    """A version as a draft, publication or retirement left it, with what the caller should know."""

    notices = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "What the service did differently from what was sent or asked "
            "(a `status` in a draft that was not kept, a version published before), in "
            "English; empty when it did just that.",
            "example": [
                "the document says 'status: published', but a version sent is stored as a "
                "draft: a publisher publishes it with POST …/publish"
            ],
        },
    )


def _superseded_by(found: RulesetVersions) -> dict[str, str]:
    return {
        c.ruleset.supersedes: c.ruleset.version
        for c in found.versions
        if c.ruleset.supersedes is not None and c.ruleset.status == "published"
    }


class RulesetSchema(Schema):
    """A rule set and its versions, oldest first (texts from the newest version)."""

    id = fields.String(required=True)
    title = text_map(required=True, attribute="latest.ruleset.title")
    description = text_map(required=True, attribute="latest.ruleset.description")
    default_locale = fields.String(required=True, attribute="latest.ruleset.default_locale")
    dated_by = dated_by_field("latest.ruleset.dated_by")
    versions = fields.List(fields.Nested(VersionSummarySchema), required=True)
    superseded_by = pick(
        _superseded_by,
        "object",
        True,
        additionalProperties={"type": "string"},
        description="Each corrected version and the published correction that supersedes it",
    )


class RulesetListSchema(Schema):
    """Every rule set the caller may read."""

    rulesets = fields.List(fields.Nested(RulesetSchema), required=True)


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
    properties = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True)
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
