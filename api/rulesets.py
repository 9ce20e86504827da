"""`/v1/rulesets`: rule sets, their versions, a version in full and its questions as JSON Schema."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for

from api.answer_schema import answer_schema
from api.auth import principal, require
from api.languages import wanted_locales
from api.openapi import Reply, operation
from api.ruleset_schemas import (
    AnswerSchemaSchema,
    QuestionsQuerySchema,
    RulesetListSchema,
    RulesetSchema,
    VersionSchema,
)
from api.state import state
from eligibility.catalogue import RulesetVersions
from eligibility.evaluation import choose_locale
from eligibility.records import Role

bp = Blueprint("rulesets", __name__, url_prefix="/v1/rulesets")
READERS: tuple[Role, ...] = ("client", "author", "publisher", "auditor")


@bp.get("")
@require(*READERS, public=True)
@operation(RulesetListSchema, tag="rulesets")
def list_rulesets() -> dict[str, Any]:
    """Every rule set with its versions (effective windows, status, content hash)."""
    return {"rulesets": state().catalogue.rulesets(principal().sees_drafts)}


@bp.get("/<ruleset_id>")
@require(*READERS, public=True)
@operation(RulesetSchema, errors=(404,), tag="rulesets")
def get_ruleset(ruleset_id: str) -> RulesetVersions:
    """One rule set and its versions, oldest first."""
    return state().catalogue.ruleset(ruleset_id, principal().sees_drafts)


@bp.get("/<ruleset_id>/versions/<version>")
@require(*READERS, public=True)
@operation(
    VersionSchema,
    errors=(404,),
    tag="rulesets",
    headers_out={"ETag": {"schema": {"type": "string"}, "description": "The content hash"}},
)
def get_version(ruleset_id: str, version: str) -> Reply:
    """One version in full: questions, parameters, derived values, rules, goals and their texts.

    The ETag is the content hash: publishing sends it back as If-Match.
    """
    found = state().catalogue.version(ruleset_id, version, principal().sees_drafts)
    return Reply(found, headers={"ETag": f'"{found.content_hash}"'})


@bp.get("/<ruleset_id>/versions/<version>/questions")
@require(*READERS, public=True)
@operation(
    AnswerSchemaSchema,
    query=QuestionsQuerySchema,
    errors=(404, 422),
    localized=True,
    tag="rulesets",
)
def get_questions(ruleset_id: str, version: str, query: dict[str, Any]) -> Reply:
    """The answer set as JSON Schema 2020-12, titles in the chosen language, for form renderers.

    Decimals are strings with a pattern ("412.50"); `x-uiSchema` is a react-jsonschema-form
    uiSchema and `x-why` names the rules each question feeds.
    """
    compiled = state().catalogue.version(ruleset_id, version, principal().sees_drafts)
    locale = choose_locale(compiled, wanted_locales(query.get("locale")))
    path = url_for(".get_questions", ruleset_id=ruleset_id, version=version, locale=locale)
    schema = answer_schema(compiled, locale, request.host_url.rstrip("/") + path)
    return Reply(schema, locale=locale, dumped=True)  # already a JSON Schema document
