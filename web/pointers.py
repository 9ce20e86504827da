"""Questions addressed by JSON Pointer (RFC 6901): `/household_size`, `/children/c2/age`.

A root question's pointer has one token; an instance's question names the collection, the
instance's id and the question (the answers hold a collection as a list of objects with an `id`).
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
        if isinstance(current, list):
            current = next((i for i in current if _is(i, token)), None)
        elif isinstance(current, dict) and token in current:
            current = current[token]
        else:
            return None
    return current


def _is(item: Any, instance_id: str) -> bool:
    """True when `item` of a collection is the instance with that id."""
    return isinstance(item, dict) and item.get("id") == instance_id


def answer_patch(pointer: str, value: Any) -> dict[str, Any]:
    """The body of a session's PATCH that sets `pointer` to `value` (None removes it): a merge
    patch for a root answer, a key that is the pointer for an instance's (the API's form)."""
    if len(tokens(pointer)) == 1:
        return merge_patch(pointer, value)
    return {pointer: value}


def without(answers: dict[str, Any], pointer: str) -> dict[str, Any]:
    """The answers without the one at `pointer` (in a collection's instance, too)."""
    parts = tokens(pointer)
    if len(parts) == 1:
        return {k: v for k, v in answers.items() if k != parts[0]}
    head, rest = parts[0], pointer_of(*parts[2:]) if len(parts) > 2 else None
    items = []
    for item in answers.get(head) or []:
        if isinstance(item, dict) and item.get("id") == parts[1]:
            if rest is None:
                continue
            item = without(item, rest)
        items.append(item)
    return {**answers, head: items}


def answered_pointers(answers: dict[str, Any]) -> list[str]:
    """The pointer of every answer given, the instances' answers included, in the answers' order."""
    found: list[str] = []
    for key, value in answers.items():
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict) and "id" in item:
                    found += [pointer_of(key, str(item["id"]), k) for k in item if k != "id"]
        else:
            found.append(pointer_of(key))
    return found


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
