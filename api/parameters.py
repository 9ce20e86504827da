"""What the OpenAPI document says of query and header parameters, and the checks behind it.

Query texts never hold control characters (the API refuses them with 422), so every
free-text query parameter carries a pattern saying so; every header the document
lists is at most `MAX_HEADER` characters, and a longer one is refused with 422.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from flask import request

from api.errors import InvalidRequest

MAX_HEADER = 200
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f]*$"


def header(name: str, description: str, required: bool = False) -> dict[str, Any]:
    """A header parameter (at most MAX_HEADER characters, checked by `check_headers`)."""
    return {
        "in": "header",
        "name": name,
        "description": description,
        "required": required,
        "schema": {"type": "string", "maxLength": MAX_HEADER},
    }


def check_headers(names: Iterable[str], environ: Mapping[str, Any] | None = None) -> None:
    """422 naming each documented header longer than MAX_HEADER characters."""
    if environ is None:
        environ = request.environ
    long = sorted(n for n in names if len(environ.get(environ_key(n), "")) > MAX_HEADER)
    if long:
        message = f"at most {MAX_HEADER} characters"
        raise InvalidRequest("some headers are too long", errors={n: [message] for n in long})


@functools.cache
def environ_key(name: str) -> str:
    """Where the WSGI environ holds a header (as werkzeug's `request.headers` looks it up)."""
    key = name.upper().replace("-", "_")
    return key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"


def constrain_query_texts(spec: dict[str, Any]) -> dict[str, Any]:
    """Give every free-text query parameter of the document the no-control-characters pattern."""
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                free = schema.get("type") == "string" and "enum" not in schema
                if parameter.get("in") == "query" and free and "pattern" not in schema:
                    schema["pattern"] = NO_CONTROL_CHARACTERS
    return spec
