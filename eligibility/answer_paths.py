"""Changes to an answers document addressed by JSON Pointer, for interviews kept on the server.

A change is `{key: value}`: a plain key is a root answer (null removes it), as before; a key
that is a JSON Pointer reaches into a collection:
    {"/children/c3": {"name": "Cleo"}}   add instance c3 (or add these answers to it)
    {"/children/c2": null}               remove instance c2 and its answers
    {"/children/c2/age": 7}              answer one question of an instance (added if new)
    {"/children/c2/age": null}           remove that answer
Nested collections are reached the same way (`/members/m1/jobs/j2/hours`). The result is
checked as a whole by the evaluation; nothing is applied when any part is refused.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from eligibility.errors import AnswerError


def apply_changes(answers: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The answers document with the changes applied (a new document; the old is untouched)."""
    document = copy.deepcopy(dict(answers))
    errors: dict[str, list[str]] = {}
    for key, value in changes.items():
        if not key.startswith("/"):
            if value is None:
                document.pop(key, None)
            else:
                document[key] = copy.deepcopy(value)
            continue
        try:
            _apply(document, _parts(key), value)
        except ValueError as error:
            errors[key] = [str(error)]
    if errors:
        raise AnswerError(errors)
    return document


def _parts(pointer: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]


def _apply(entity: dict[str, Any], parts: list[str], value: Any) -> None:
    if len(parts) == 1:
        if value is None:
            entity.pop(parts[0], None)
        else:
            entity[parts[0]] = copy.deepcopy(value)
        return
    collection, iid, rest = parts[0], parts[1], parts[2:]
    items = entity.setdefault(collection, [])
    if not isinstance(items, list):
        raise ValueError(f"'{collection}' is not a list of instances")
    index = next((i for i, item in enumerate(items) if _id(item) == iid), None)
    if not rest:
        _instance(items, index, iid, value)
        return
    if index is None:
        items.append({"id": iid})
        index = len(items) - 1
    if not isinstance(items[index], dict):
        raise ValueError(f"instance '{iid}' is not an object")
    _apply(items[index], rest, value)


def _instance(items: list[Any], index: int | None, iid: str, value: Any) -> None:
    """Remove (null), add, or merge answers into (an object) one instance."""
    if value is None:
        if index is not None:
            del items[index]
        return
    if not isinstance(value, Mapping):
        raise ValueError("an instance is an object of its answers, or null to remove it")
    if index is None:
        items.append({"id": iid})
        index = len(items) - 1
    for key, answer in value.items():
        if key == "id":
            continue
        if answer is None:
            items[index].pop(key, None)
        else:
            items[index][key] = copy.deepcopy(answer)


def _id(item: Any) -> Any:
    return item.get("id") if isinstance(item, dict) else None


def ask_again(
    before: Mapping[str, Any], after: dict[str, Any], collections: Mapping[str, Any]
) -> dict[str, Any]:
    """The completeness answer false ("not all listed yet") is spent once an instance is added:
    it is removed, so the question is asked again after the new instance (the OPA loop)."""
    for cid, compiled in collections.items():
        spec = compiled.collection
        if spec.completeness != "ask_another" or after.get(spec.completeness_question) is not False:
            continue
        if len(after.get(cid) or []) > len(before.get(cid) or []):
            after.pop(spec.completeness_question)
    return after
