"""What changed between two versions, entry by entry, down to each text in each language.

Both sides are canonical documents (the file format with `extends` merged in and the
scenarios kept), so a rule file, a stored draft and a published version compare alike.
Nested fields are named by their path (`label.de`, `explanation.false.en`,
`table.standard.4`); lists keyed by a name (legal basis by reference, scenarios by
name) compare entry by entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eligibility.canonical import to_document
from eligibility.model import RuleSet

VERSION_FIELDS = (
    "status",
    "effective_from",
    "effective_to",
    "default_locale",
    "title",
    "description",
    "supersedes",  # a correction names the version it corrects, and why
    "correction_reason",
    "dated_by",
    "entity",
)
PARTS = ("sections", "questions", "parameters", "derived", "rules", "goals")
ENTITY_PARTS = ("questions", "derived", "rules", "goals")  # of a collection's entity
# Compared entry by entry; any other top-level field is compared as a version field, so a
# field added to the format later is never left out of a diff.
OWN = {"ruleset", "version", "legal_basis", "scenarios", "collections", *PARTS}


class _Absent:
    """The value of a field one side does not have (not the same as a written null)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class Change:
    """One entry added, removed or changed, with its fields (old, new) that differ.

    A field one side lacks has `ABSENT` there.
    """

    part: str
    id: str
    kind: str  # added | removed | changed
    fields: dict[str, tuple[Any, Any]]


def diff_versions(old: RuleSet, new: RuleSet) -> list[Change]:
    """Entries added, removed and changed from `old` to `new` (scenarios included)."""
    return diff_documents(
        to_document(old, with_scenarios=True), to_document(new, with_scenarios=True)
    )


def diff_documents(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Changes between two canonical documents: version texts and window, then part by part."""
    others = [k for k in [*before, *after] if k not in OWN and k not in VERSION_FIELDS]
    changes = [
        Change("version", key, "changed", fields)
        for key in dict.fromkeys([*VERSION_FIELDS, *others])
        if (fields := _changed_fields(_only(before, key), _only(after, key)))
    ]
    changes += _entries("legal_basis", _keyed(before, "legal_basis", "reference"),
                        _keyed(after, "legal_basis", "reference"))  # fmt: skip
    for part in PARTS:
        changes += _entries(part, before.get(part) or {}, after.get(part) or {})
    changes += _collections("collections", before.get("collections"), after.get("collections"))
    changes += _entries("scenarios", _keyed(before, "scenarios", "name"),
                        _keyed(after, "scenarios", "name"))  # fmt: skip
    return changes


def _entries(part: str, a: Mapping[str, Any], b: Mapping[str, Any]) -> list[Change]:
    """Entries of one part: removed, then added, then changed, each in the authors' order."""
    changes = [Change(part, k, "removed", _changed_fields(a[k], None)) for k in a if k not in b]
    changes += [Change(part, k, "added", _changed_fields(None, b[k])) for k in b if k not in a]
    for key in (k for k in a if k in b and a[k] != b[k]):
        changes.append(Change(part, key, "changed", _changed_fields(a[key], b[key])))
    return changes


def _collections(part: str, a: Any, b: Any) -> list[Change]:
    """Collections: each one's own fields, then its entity's parts, nested ones below."""
    a, b = a or {}, b or {}
    nested = {*ENTITY_PARTS, "collections"}
    changes = _entries(part, {k: v for k, v in a.items() if k not in b},
                       {k: v for k, v in b.items() if k not in a})  # fmt: skip
    for cid in (k for k in a if k in b and a[k] != b[k]):
        old, new = a[cid], b[cid]
        own = _changed_fields(_without(old, nested), _without(new, nested))
        if own:
            changes.append(Change(part, cid, "changed", own))
        for inner in ENTITY_PARTS:
            changes += _entries(f"{part}.{cid}.{inner}", old.get(inner) or {},
                                new.get(inner) or {})  # fmt: skip
        changes += _collections(f"{part}.{cid}.collections", old.get("collections"),
                                new.get("collections"))  # fmt: skip
    return changes


def _without(entry: Mapping[str, Any], keys: set[str]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in keys}


def _changed_fields(a: Any, b: Any) -> dict[str, tuple[Any, Any]]:
    """Each leaf field whose value differs, by its dotted path (ABSENT where it is not)."""
    old, new = flatten(a), flatten(b)
    keys = list(old) + [k for k in new if k not in old]
    pairs = {k: (old.get(k, ABSENT), new.get(k, ABSENT)) for k in keys}
    return {k: (x, y) for k, (x, y) in pairs.items() if x is ABSENT or y is ABSENT or x != y}


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """A nested mapping as {dotted path: leaf value}; lists and scalars are leaves."""
    if not isinstance(value, Mapping):
        return {prefix: value} if prefix else {}
    found: dict[str, Any] = {}
    for key, item in value.items():
        found.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    return found


def _only(document: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {key: document[key]} if key in document else {}


def _keyed(document: Mapping[str, Any], part: str, key: str) -> dict[str, Any]:
    """A list of entries by their name; a repeated name gets ' (2)', ' (3)', … after it."""
    found: dict[str, Any] = {}
    for entry in document.get(part) or []:
        name = str(entry.get(key, ""))
        unique, n = name, 1
        while unique in found:
            n += 1
            unique = f"{name} ({n})"
        found[unique] = {k: v for k, v in entry.items() if k != key}
    return found
