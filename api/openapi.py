"""Each view's contract declared once (`@operation`), and the OpenAPI 3.1 document built from it.

`@operation` loads a view's query and body with their schemas and dumps its result with
the response schema, so the schemas that document a view are the ones that run it. Every
operation lists its request and response schemas and every error it can return (all as
`application/problem+json` with the `Problem` schema).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, Response, current_app, jsonify, request
from marshmallow import Schema

from api.fields import scalar_schema_properties
from api.jsonio import json_body, json_response, load, query
from api.parameters import check_headers, constrain_query_texts
from api.parameters import header as header  # views declare their headers with it
from api.schemas import ProblemSchema

SchemaType = type[Schema] | Schema
API_VERSION = "1.0.0"
# Ids in paths: no slash, no control characters (those paths are simply not found).
PATH_PARAMETER = {
    "type": "string",
    "minLength": 1,
    "maxLength": 200,
    "pattern": r"^[^/\x00-\x1f\x7f]+$",
}
_REASONS = {
    400: "Malformed JSON",
    401: "No valid API key",
    403: "The API key lacks the role",
    404: "Not found",
    406: "None of the accepted media types can be given",
    409: "Conflict with the stored state",
    412: "The ETag in If-Match is stale",
    413: "The body is too large",
    415: "The body is not JSON",
    422: "Invalid request or answers",
    429: "Too many failed attempts to authenticate from this address",
    428: "If-Match is required",
    500: "Internal error (no details are given)",
    503: "Storage unavailable",
}


# The order of the reference: what a front end needs first, operations last.
TAGS = (
    ("rulesets", "Rule sets, their versions in full, and their questions as JSON Schema."),
    (
        "evaluations",
        "Evaluate answers without storing anything: goals, reasons, next questions.",
    ),
    ("sessions", "Interviews kept on the server, edited under ETags, submitted as a decision."),
    ("decisions", "Record decisions in the hash chain; read, list, export and replay them."),
    ("authoring", "Send draft versions (YAML or JSON), publish and retire them."),
    ("audit", "Verify the hash chain; batch replays (what-if) over recorded decisions."),
    ("batch", "Assess whole populations under a version or two; the impact report."),
    ("health", "Liveness and readiness for load balancers and orchestrators."),
)
DESCRIPTION = """Rules as code: rule sets, evaluations, interviews, decisions.

Send an API key as `Authorization: Bearer <key>` (the **Authorize** button here); each
operation says which roles may call it and whether it is open without a key on this
server. Errors are `application/problem+json` (RFC 9457), with `errors` keyed by JSON
Pointer into the request body. Amounts are exact decimals written as strings.
"""


@dataclass(frozen=True)
class Reply:
    """What a view returns besides its body: another status, headers, the response language.

    A view may also return the body alone (dumped with the operation's response schema and
    its status) or a ready `Response` (a stream, say).
    """

    data: Any
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    locale: str | None = None
    exclude: tuple[str, ...] = ()  # response fields left out (e.g. the trace unless asked)
    dumped: bool = False  # the data is already the JSON document (no schema to dump it with)


@dataclass(frozen=True)
class Operation:
    """One view's contract: what it reads and returns; the OpenAPI document is built from it."""

    response: SchemaType | None
    status: int = 200
    body: SchemaType | None = None
    body_required: bool = True
    # False when the view reads a body that is not a JSON object of `body` (YAML drafts,
    # the answers document of a PATCH): the schema then only documents it.
    load_body: bool = True
    query: SchemaType | None = None
    errors: tuple[int, ...] = ()
    tag: str = "service"
    localized: bool = False
    storage: bool = False
    headers_in: tuple[dict[str, Any], ...] = ()
    headers_out: dict[str, dict[str, Any]] = field(default_factory=dict)
    media_types: tuple[str, ...] = ("application/json",)
    body_media_types: tuple[str, ...] = ("application/json",)
    # Named examples of the body ({name: {"summary": …, "value": …}}) for the reference.
    body_examples: dict[str, dict[str, Any]] = field(default_factory=dict)
    extra_responses: dict[int, str] = field(default_factory=dict)
    _schemas: dict[Any, Schema] = field(default_factory=dict, compare=False, repr=False)

    def schema(self, which: SchemaType, exclude: tuple[str, ...] = ()) -> Schema:
        """An instance of one of the operation's schemas, made once (schemas hold no state)."""
        key = (id(which), exclude)
        found = self._schemas.get(key)
        if found is None:
            found = which(exclude=exclude) if isinstance(which, type) else which
            self._schemas[key] = found
        return found

    def arguments(self) -> dict[str, Any]:
        """The view's `query` and `body`, loaded with the operation's schemas (422 if bad)."""
        found: dict[str, Any] = {}
        check_headers(h["name"] for h in self.headers_in)
        if self.localized or self.body is not None:
            check_headers(["Accept-Language"])
        if self.query is not None:
            found["query"] = query(self.schema(self.query))
        if self.body is not None and self.load_body:
            if self.body_required or request.get_data(cache=True):
                found["body"] = load(self.schema(self.body), json_body())
            else:
                found["body"] = {}
        return found

    def render(self, result: Any) -> Response:
        """The view's result as the response: dumped with the response schema."""
        if isinstance(result, Response):
            return result
        reply = result if isinstance(result, Reply) else Reply(result)
        data = reply.data
        if self.response is not None and not reply.dumped:
            data = self.schema(self.response, reply.exclude).dump(data)
        response = json_response(data)
        response.status_code = reply.status or self.status
        response.headers.update(dict(reply.headers))
        if reply.locale is not None:
            response.headers["Content-Language"] = reply.locale
            response.vary.add("Accept-Language")
        return response


def operation(
    response: SchemaType | None, **options: Any
) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
    """Declare a view's schemas once: its query and body are loaded, its result dumped.

    The view receives `query=` and `body=` (those it declares) besides its path
    arguments, and returns its result (or a `Reply`, or a ready `Response`). The
    same declaration feeds the OpenAPI document. Put it under `@require`, so a
    caller is authenticated before the request is read.
    """
    meta = Operation(response, **options)

    def decorate(view: Callable[..., Any]) -> Callable[..., Response]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Response:
            return meta.render(view(*args, **kwargs, **meta.arguments()))

        wrapper.openapi = meta  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _path(rule: str) -> tuple[str, list[str]]:
    names = re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule)
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule), names


def build_spec(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the app's routes."""
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="Eligibility rules service",
        version=API_VERSION,
        openapi_version="3.1.0",
        plugins=[plugin],
        info={"description": DESCRIPTION},
        tags=[{"name": name, "description": text} for name, text in TAGS],
    )
    anonymous = bool(app.extensions["eligibility"].config.anonymous_access)
    assert plugin.converter is not None
    plugin.converter.add_attribute_function(scalar_schema_properties)  # type: ignore[no-untyped-call]
    spec.components.schema("Problem", schema=ProblemSchema)
    spec.components.security_scheme("apiKey", {"type": "http", "scheme": "bearer"})
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions.get(rule.endpoint)
        meta: Operation | None = getattr(view, "openapi", None)
        if meta is None:
            continue
        path, names = _path(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operation = _operation(view, meta, names, anonymous)
            spec.path(path=path, operations={method.lower(): operation})
    return constrain_query_texts(spec.to_dict())


def spec_of(app: Flask) -> dict[str, Any]:
    """The app's OpenAPI document, built once."""
    found: dict[str, Any] | None = app.extensions.get("openapi")
    if found is None:
        found = app.extensions["openapi"] = build_spec(app)
    return found


def _operation(
    view: Any, meta: Operation, path_names: list[str], anonymous_access: bool
) -> dict[str, Any]:
    doc = (view.__doc__ or "").strip()
    summary, _, description = doc.partition("\n")
    op: dict[str, Any] = {
        "operationId": view.__name__,
        "summary": summary.strip(),
        "tags": [meta.tag],
        "parameters": _parameters(meta, path_names),
        "responses": _responses(view, meta, bool(path_names)),
    }
    text = re.sub(r"\n\s+", "\n", description.strip())
    if meta.body is not None:
        content: dict[str, Any] = {m: {"schema": meta.body} for m in meta.body_media_types}
        if meta.body_examples:
            content[meta.body_media_types[0]]["examples"] = meta.body_examples
        op["requestBody"] = {"required": meta.body_required, "content": content}
    roles: Sequence[str] = getattr(view, "roles", ())
    if roles:
        # What `require` enforces: a key with one of the roles, or (public operations,
        # anonymous access on) no key at all.
        open_here = bool(getattr(view, "public", False)) and anonymous_access
        op["security"] = [{"apiKey": []}] + ([{}] if open_here else [])
        op["x-roles"] = list(roles)
        op["x-anonymous"] = open_here
        text = f"{text}\n\n{_access(roles, open_here)}".strip()
    else:
        text = f"{text}\n\n**Access:** anyone; no key is needed.".strip()
    if text:
        op["description"] = text
    return op


def _access(roles: Sequence[str], open_here: bool) -> str:
    keys = ", ".join(f"`{r}`" for r in roles)
    text = (
        f"**Access:** an API key with the role {keys}"
        if len(roles) == 1
        else (f"**Access:** an API key with one of the roles {keys}")
    )
    if open_here:
        return text + "; or no key at all, as this server allows anonymous access."
    return text + "."


def _parameters(meta: Operation, path_names: list[str]) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {"in": "path", "name": n, "required": True, "schema": dict(PATH_PARAMETER)}
        for n in path_names
    ]
    if meta.query is not None:
        params.append({"in": "query", "schema": meta.query})
    if meta.localized or meta.body is not None:
        params.append(header("Accept-Language", "Preferred languages (RFC 9110)."))
    params.extend(meta.headers_in)
    return params


def _responses(view: Any, meta: Operation, has_path_parameters: bool) -> dict[str, Any]:
    success: dict[str, Any] = {"description": "Success"}
    if meta.response is not None:
        success["content"] = {m: {"schema": meta.response} for m in meta.media_types}
    elif meta.media_types != ("application/json",):  # a document or a stream: text or bytes
        success["content"] = {m: {"schema": {"type": "string"}} for m in meta.media_types}
    headers = dict(meta.headers_out)
    if meta.localized:
        headers["Content-Language"] = {"schema": {"type": "string"}, "description": "Language"}
    if headers:
        success["headers"] = headers
    responses: dict[str, Any] = {str(meta.status): success}
    for status, description in meta.extra_responses.items():
        responses[str(status)] = {**success, "description": description}
    for status in sorted(_error_statuses(view, meta, has_path_parameters)):
        responses[str(status)] = {
            "description": _REASONS[status],
            "content": {"application/problem+json": {"schema": "Problem"}},
        }
        if status == 429:
            wait = "Seconds until a key may be tried again from this address."
            responses["429"]["headers"] = {
                "Retry-After": {"schema": {"type": "integer"}, "description": wait}
            }
        if status == 412:
            current = "The current ETag: read the resource again, or send it in If-Match."
            responses["412"]["headers"] = {
                "ETag": {"schema": {"type": "string"}, "description": current}
            }
    return responses


def _error_statuses(view: Any, meta: Operation, has_path_parameters: bool) -> set[int]:
    statuses = {500, *meta.errors}
    if has_path_parameters:
        statuses.add(404)
    if getattr(view, "roles", ()):
        statuses |= {401, 403, 429}
    if meta.body is not None:
        statuses |= {400, 413, 415, 422}
    if meta.query is not None:
        statuses.add(422)
    if meta.storage:
        statuses.add(503)
    return statuses


bp = Blueprint("openapi", __name__)


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI 3.1 document."""
    return jsonify(spec_of(current_app))
