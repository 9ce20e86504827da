"""`/v1/rulesets`: rule sets, their versions, a version in full and its questions as JSON Schema."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from api.answer_schema import answer_schema
from api.auth import principal, require
from api.jsonio import query
from api.languages import wanted_locales
from api.openapi import operation
from api.ruleset_schemas import (
    AnswerSchemaSchema,
    QuestionsQuerySchema,
    RulesetListSchema,
    RulesetSchema,
    VersionSchema,
)
from api.state import state
from eligibility.evaluation import choose_locale
from eligibility.records import Role

bp = Blueprint("rulesets", __name__, url_prefix="/v1/rulesets")
READERS: tuple[Role, ...] = ("client", "author", "publisher", "auditor")


@bp.get("")
@operation(RulesetListSchema, tag="rulesets")
@require(*READERS, public=True)
def list_rulesets() -> Response:
    """Every rule set with its versions (effective windows, status, content hash)."""
    found = state().catalogue.rulesets(principal().sees_drafts)
    return jsonify(RulesetListSchema().dump({"rulesets": found}))


@bp.get("/<ruleset_id>")
@operation(RulesetSchema, errors=(404,), tag="rulesets")
@require(*READERS, public=True)
def get_ruleset(ruleset_id: str) -> Response:
    """One rule set and its versions, oldest first."""
    found = state().catalogue.ruleset(ruleset_id, principal().sees_drafts)
    return jsonify(RulesetSchema().dump(found))


@bp.get("/<ruleset_id>/versions/<version>")
@operation(VersionSchema, errors=(404,), tag="rulesets")
@require(*READERS, public=True)
def get_version(ruleset_id: str, version: str) -> Response:
    """One version in full: questions, parameters, derived values, rules, goals and their texts."""
    found = state().catalogue.version(ruleset_id, version, principal().sees_drafts)
    return jsonify(VersionSchema().dump(found))


@bp.get("/<ruleset_id>/versions/<version>/questions")
@operation(
    AnswerSchemaSchema,
    query=QuestionsQuerySchema,
    errors=(404, 422),
    localized=True,
    tag="rulesets",
)
@require(*READERS, public=True)
def get_questions(ruleset_id: str, version: str) -> Response:
    """The answer set as JSON Schema 2020-12, titles in the chosen language, for form renderers.

    Decimals are strings with a pattern ("412.50"); `x-uiSchema` is a react-jsonschema-form
    uiSchema and `x-why` names the rules each question feeds.
    """
    args = query(QuestionsQuerySchema())
    compiled = state().catalogue.version(ruleset_id, version, principal().sees_drafts)
    locale = choose_locale(compiled, wanted_locales(args.get("locale")))
    path = url_for(".get_questions", ruleset_id=ruleset_id, version=version, locale=locale)
    schema = answer_schema(compiled, locale, request.host_url.rstrip("/") + path)
    response = jsonify(schema)
    response.headers["Content-Language"] = locale
    response.vary.add("Accept-Language")
    return response
