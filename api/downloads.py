"""Files in responses: exports streamed as attachments, and the format Accept negotiates."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from flask import Response, request, stream_with_context

from api.errors import NotAcceptable

EXPORT_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv"}


def attachment(chunks: Iterator[str], mimetype: str, filename: str) -> Response:
    """A download streamed as it is produced, saved under `filename`."""
    response = Response(stream_with_context(chunks), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def negotiated(types: Mapping[str, str], refusal: str) -> str:
    """The format (a key of `types`) the Accept header prefers, the first without one; else 406."""
    if not request.headers.get("Accept"):
        return next(iter(types))
    best = request.accept_mimetypes.best_match(list(types.values()))
    if best is None:
        raise NotAcceptable(refusal)
    return next(name for name, media_type in types.items() if media_type == best)
