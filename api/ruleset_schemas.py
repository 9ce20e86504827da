"""HTTP payload schemas of rule sets and versions (texts in every language they are written in).

These describe the API's view of a version (its parts in `version_part_schemas`); the
rule-file format has its own schemas in the core.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from api.fields import pick, text_map
from api.version_part_schemas import (
    DerivedSchema,
    GoalDefinitionSchema,
    LegalBasisSchema,
    ParameterSchema,
    QuestionSchema,
    RuleSchema,
    SectionSchema,
)
from eligibility.catalogue import RulesetVersions
from eligibility.compiler import CompiledRuleSet


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
