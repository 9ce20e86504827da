"""One operation in the OpenAPI document: its parameters, body, access and every response."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from api.openapi.contract import Operation
from api.parameters import header

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


def flask_path(rule: str) -> tuple[str, list[str]]:
    """A Flask rule as an OpenAPI path (`<id>` → `{id}`), and its parameters' names."""
    names = re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule)
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule), names


def path_operation(
    view: Any, meta: Operation, path_names: list[str], anonymous_access: bool
) -> dict[str, Any]:
    """The OpenAPI operation of one view: its summary, parameters, body, access, responses."""
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
