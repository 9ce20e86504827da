"""Rule-set versions through the API: drafts (author), publish and retire (publisher).

A draft is sent as YAML (the rule-file format, problems with line and column) or JSON;
every problem is reported at once. Published versions never change (409).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from flask import Blueprint, request, url_for
from marshmallow import Schema, fields

from api.auth import principal, require
from api.errors import InvalidRequest, PreconditionRequired, UnsupportedMediaType
from api.jsonio import check_texts, is_json_type, parse_bytes
from api.openapi import Reply, header, operation
from api.ruleset_schemas import AuthoredVersionSchema
from api.state import state
from eligibility import services
from eligibility.catalogue import compile_cache
from eligibility.compiler import CompiledRuleSet
from eligibility.records import StoredVersion

bp = Blueprint("authoring", __name__, url_prefix="/v1/rulesets")
YAML_TYPES = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"}
MAX_NODES = 200_000  # after expanding YAML aliases: a "billion laughs" document is refused
MAX_DEPTH = 64
STRING = {"schema": {"type": "string"}}
REVIEWED = header(
    "If-Match",
    'The content hash that was reviewed, as an ETag: "<content_hash>". Required.',
    required=True,
)


class DraftSchema(Schema):
    """A version document in the rule-file format (see docs/authoring.md), as JSON or YAML."""

    ruleset = fields.String(required=True)
    version = fields.String(required=True)
    effective_from = fields.Date(required=True)
    questions = fields.Dict(required=True)
    goals = fields.Dict(required=True)


def _too_big(detail: str) -> InvalidRequest:
    return InvalidRequest(detail, errors={"": [detail]})


def _expanded_size(root: yaml.Node) -> tuple[int, int]:
    """Nodes and depth of a composed YAML document with every alias expanded (memoised)."""
    sizes: dict[int, tuple[int, int]] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if children_done or not children:
            found = [sizes[id(c)] for c in children]
            sizes[id(node)] = (
                1 + sum(n for n, _ in found),
                1 + max((d for _, d in found), default=0),
            )
            if sizes[id(node)][0] > MAX_NODES:
                raise _too_big("the document is too large once its aliases are expanded")
        else:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _yaml_document(text: str) -> dict[str, Any] | str:
    """YAML text, checked to be safe to expand; the service parses it with positions."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return text  # the service reports the syntax error with its line and column
    except RecursionError:
        raise _too_big("the document is nested too deeply") from None
    if root is None:
        return text
    if _expanded_size(root)[1] > MAX_DEPTH:
        raise _too_big("the document is nested too deeply")
    return text


def _depth(data: Any) -> int:
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return deepest


def document_body() -> dict[str, Any] | str:
    """The version document of the request: parsed JSON, or YAML text."""
    if request.mimetype in YAML_TYPES:
        try:
            text = request.get_data().decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidRequest("the body is not valid UTF-8") from None
        return _yaml_document(text)
    if not is_json_type(request.mimetype):
        raise UnsupportedMediaType("send the version as application/yaml or application/json")
    data = parse_bytes(request.get_data())
    if not isinstance(data, dict):
        raise InvalidRequest("a version is a JSON object", errors={"": ["not an object"]})
    if _depth(data) > MAX_DEPTH:
        raise _too_big("the document is nested too deeply")
    return data


def _declared(document: dict[str, Any] | str) -> dict[str, Any]:
    """The top-level keys of a document (YAML is read here only to look; aliases are safe now)."""
    if isinstance(document, dict):
        return document
    try:
        data = yaml.safe_load(document)
    except yaml.YAMLError:
        return {}
    check_texts(data)
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class Authored:
    """A stored version as the API shows it after a change, with notices for the caller."""

    compiled: CompiledRuleSet
    notices: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> Any:  # the version's own fields, for VersionSchema
        return getattr(self.compiled, name)


def _version_reply(
    stored: StoredVersion, status: int = 200, notices: list[str] | None = None
) -> Reply:
    where = url_for("rulesets.get_version", ruleset_id=stored.ruleset_id, version=stored.version)
    headers = {"Location": where, "ETag": content_etag(stored.content_hash)}
    shown = Authored(compile_cache().stored(stored), tuple(notices or ()))
    return Reply(shown, status, headers)


def content_etag(content_hash: str) -> str:
    """A version's entity tag: its content hash (what a reviewer read, and publishes)."""
    return f'"{content_hash}"'


def reviewed_hash() -> str:
    """The content hash the publisher reviewed, from If-Match; 428 when it is not given."""
    sent = (request.headers.get("If-Match") or "").strip()
    found = re.fullmatch(r'"([0-9a-f]{64})"', sent)
    if found is None:
        message = (
            'send the content hash you reviewed as If-Match: "<content_hash>" '
            "(the ETag of GET /v1/rulesets/{id}/versions/{version})"
        )
        raise PreconditionRequired(
            "publishing needs the reviewed content hash", errors={"If-Match": [message]}
        )
    return found.group(1)


def _status_notice(declared: dict[str, Any]) -> list[str]:
    """Say so when a sent version asks for a status it does not get (it is always a draft)."""
    status = declared.get("status")
    if status in (None, "draft"):
        return []
    return [
        f"the document says 'status: {status}', but a version sent is stored as a draft: "
        "a publisher publishes it with POST /v1/rulesets/{ruleset}/versions/{version}/publish "
        "once its scenarios pass"
    ]


def _unchanged(stored: StoredVersion, what: str) -> list[str]:
    at, by = (
        (stored.published_at, stored.published_by)
        if what == "published"
        else (stored.retired_at, stored.retired_by)
    )
    on = f" on {at:%Y-%m-%d}" if at else ""
    return [f"{stored.ruleset_id} {stored.version} was already {what}{on} by {by}; nothing changed"]


@bp.post("/<ruleset_id>/versions")
@require("author")
@operation(
    AuthoredVersionSchema,
    status=201,
    body=DraftSchema,
    body_media_types=("application/yaml", "application/json"),
    errors=(409,),
    storage=True,
    tag="authoring",
    headers_out={"Location": STRING, "ETag": STRING},
    load_body=False,  # YAML or JSON in the rule-file format: the core reports every problem
)
def create_draft(ruleset_id: str) -> Reply:
    """Store a draft version (YAML or JSON); 422 lists every problem with its line and column."""
    document = document_body()
    declared = _declared(document)
    named = declared.get("ruleset")
    if named is not None and named != ruleset_id:
        message = f"the document is a version of '{named}', not of '{ruleset_id}'"
        raise InvalidRequest(message, errors={"/ruleset": [message]})
    stored = services.create_draft(state().storage, document, principal().client)
    return _version_reply(stored, 201, _status_notice(declared))


@bp.post("/<ruleset_id>/versions/<version>/publish")
@require("publisher")
@operation(
    AuthoredVersionSchema,
    errors=(404, 409, 412, 422, 428),
    storage=True,
    tag="authoring",
    headers_in=(REVIEWED,),
    headers_out={"ETag": STRING},
)
def publish(ruleset_id: str, version: str) -> Reply:
    """Publish exactly the content reviewed (If-Match: its content hash) once its scenarios pass.

    Without If-Match: 428. If the draft was sent again since it was read (another
    content hash): 412 with the current ETag, and nothing is published. With
    PUBLISH_MAKER_CHECKER on, the author of the content may not publish it (403); with
    PUBLISH_REQUIRE_COVERAGE on, its scenarios must exercise every outcome of its rules
    (422 coverage-incomplete, listing those missed).
    From then on the version never changes. A version published before is left as
    it is (200, with a notice saying so).
    """
    before = services.get_version(state().storage, ruleset_id, version)
    stored = services.publish(
        state().storage,
        ruleset_id,
        version,
        principal().client,
        reviewed_hash=reviewed_hash(),
        maker_checker=state().config.publish_maker_checker,
        require_coverage=state().config.publish_require_coverage,
        engine=state().evaluator.engine,
    )
    state().catalogue.forget()
    already = before.status == "published"
    return _version_reply(stored, notices=_unchanged(stored, "published") if already else [])


@bp.post("/<ruleset_id>/versions/<version>/retire")
@require("publisher")
@operation(AuthoredVersionSchema, errors=(404, 409), storage=True, tag="authoring")
def retire(ruleset_id: str, version: str) -> Reply:
    """Retire a published version: no new evaluations select it; replay still uses it.

    A version retired before is left as it is (200, with a notice saying so).
    """
    before = services.get_version(state().storage, ruleset_id, version)
    stored = services.retire(state().storage, ruleset_id, version, principal().client)
    state().catalogue.forget()
    already = before.status == "retired"
    return _version_reply(stored, notices=_unchanged(stored, "retired") if already else [])
