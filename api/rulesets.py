"""`/v1/rulesets`: rule sets, their versions, a version in full and its questions as JSON Schema."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for

from api.answer_schema import answer_schema
from api.answer_schema.payloads import (
    AnswerSchemaSchema,
    QuestionsQuerySchema,
    RelevantQuestionsSchema,
)
from api.auth import principal, require
from api.languages import wanted_locales
from api.openapi import Reply, operation
from api.ruleset_schemas import RulesetListSchema, RulesetSchema, VersionSchema
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
    schema = answer_schema(compiled, locale, _schema_id(ruleset_id, version, locale))
    return Reply(schema, locale=locale, dumped=True)  # already a JSON Schema document


@bp.post("/<ruleset_id>/versions/<version>/questions")
@require(*READERS, public=True)
@operation(
    AnswerSchemaSchema,
    body=RelevantQuestionsSchema,
    query=QuestionsQuerySchema,
    errors=(404, 422),
    localized=True,
    tag="rulesets",
)
def relevant_questions(
    ruleset_id: str, version: str, body: dict[str, Any], query: dict[str, Any]
) -> Reply:
    """The JSON Schema of only the questions that matter now for the answers sent.

    Those are the questions whose answers decide or shape a goal and those that can
    still change an undecided goal (`x-relevant.next`; with `limit`, only that many of
    them, those that settle the others first); answers that no longer matter are named
    in `x-relevant.ignored`. Send the form's data after each change to redraw it with
    what matters then. Stores nothing.
    """
    app = state()
    compiled = app.catalogue.version(ruleset_id, version, principal().sees_drafts)
    locales = wanted_locales(query.get("locale"))
    evaluation = app.evaluator.evaluate_under(compiled, body["answers"], body.get("as_of"), locales)
    schema_id = _schema_id(ruleset_id, version, evaluation.locale)
    schema = answer_schema(
        compiled, evaluation.locale, schema_id, relevant_to=evaluation, limit=body.get("limit")
    )
    return Reply(schema, locale=evaluation.locale, dumped=True)


def _schema_id(ruleset_id: str, version: str, locale: str) -> str:
    path = url_for(".get_questions", ruleset_id=ruleset_id, version=version, locale=locale)
    return request.host_url.rstrip("/") + path
