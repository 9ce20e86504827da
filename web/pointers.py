"""Questions addressed by JSON Pointer (RFC 6901): `/household_size`, later `/children/c2/age`.

Today's rule sets are flat, so a pointer has one token; the page model already speaks pointers
so that questions about instances of a collection need no new addressing.
"""

from __future__ import annotations

from typing import Any


def tokens(pointer: str) -> list[str]:
    """The reference tokens of a pointer (`/a~1b/c` → `["a/b", "c"]`)."""
    if not pointer.startswith("/"):
        raise ValueError(f"a JSON Pointer starts with '/', got {pointer!r}")
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def pointer_of(*parts: str) -> str:
    """The pointer naming a path of keys."""
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def from_error_key(key: str) -> str:
    """The pointer an API error names: a pointer already, or a question id (flat rule sets)."""
    return key if key.startswith("/") else pointer_of(key)


def lookup(document: Any, pointer: str) -> Any:
    """The value at `pointer`, or None when there is none."""
    current = document
    for token in tokens(pointer):
        if isinstance(current, dict) and token in current:
            current = current[token]
        else:
            return None
    return current


def merge_patch(pointer: str, value: Any) -> dict[str, Any]:
    """A JSON merge patch (RFC 7396) that sets `pointer` to `value` (None removes it)."""
    patch: Any = value
    for token in reversed(tokens(pointer)):
        patch = {token: patch}
    result: dict[str, Any] = patch
    return result


def question_id(pointer: str) -> str:
    """The question a pointer asks (its last token)."""
    return tokens(pointer)[-1]


def apply_patch(document: Any, patch: Any) -> Any:
    """The document with a JSON merge patch applied (RFC 7396): null removes a member."""
    if not isinstance(patch, dict):
        return patch
    result = dict(document) if isinstance(document, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = apply_patch(result.get(key), value)
    return result
