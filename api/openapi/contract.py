"""Each view's contract declared once: `@operation` loads its query and body, dumps its result."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Response, request
from marshmallow import Schema

from api.jsonio import json_body, json_response, load, query
from api.parameters import check_headers
from api.parameters import header as header  # views declare their headers with it

SchemaType = type[Schema] | Schema
_LANGUAGE = ("Accept-Language",)


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
        current = request._get_current_object()  # type: ignore[attr-defined]  # once
        environ = current.environ
        if self.headers_in:
            check_headers((h["name"] for h in self.headers_in), environ)
        if self.localized or self.body is not None:
            check_headers(_LANGUAGE, environ)
        if self.query is not None:
            found["query"] = query(self.schema(self.query), current)
        if self.body is not None and self.load_body:
            if self.body_required or current.get_data(cache=True):
                found["body"] = load(self.schema(self.body), json_body(current))
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
        if reply.headers:
            response.headers.update(dict(reply.headers))
        if reply.locale is not None:
            response.headers["Content-Language"] = reply.locale
            if "Vary" in response.headers:
                response.vary.add("Accept-Language")
            else:  # what vary.add writes on a response without one, without parsing it
                response.headers["Vary"] = "Accept-Language"
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
