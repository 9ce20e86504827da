"""Each view's contract declared once (`@operation`), and the OpenAPI 3.1 document built from it.

`@operation` loads a view's query and body with their schemas and dumps its result with
the response schema, so the schemas that document a view are the ones that run it. Every
operation lists its request and response schemas and every error it can return (all as
`application/problem+json` with the `Problem` schema). `contract` declares and runs a
view's contract, `paths` writes one operation of the document, `document` the whole.
"""

from __future__ import annotations

from api.openapi.contract import Operation, Reply, SchemaType, header, operation
from api.openapi.document import API_VERSION, bp, build_spec, spec_of

__all__ = [
    "API_VERSION",
    "Operation",
    "Reply",
    "SchemaType",
    "bp",
    "build_spec",
    "header",
    "operation",
    "spec_of",
]
