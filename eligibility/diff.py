"""What changed between two versions: questions, parameters, derived values, rules, goals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eligibility.canonical import to_document
from eligibility.model import RuleSet

PARTS = ("questions", "parameters", "derived", "rules", "goals")


@dataclass(frozen=True)
class Change:
    """One entry added, removed or changed, with the fields that differ."""

    part: str
    id: str
    kind: str  # added | removed | changed
    fields: dict[str, tuple[Any, Any]]


def diff_versions(old: RuleSet, new: RuleSet) -> list[Change]:
    """Entries added, removed and changed from `old` to `new`, part by part."""
    before, after = to_document(old), to_document(new)
    changes: list[Change] = []
    for part in PARTS:
        a, b = before.get(part, {}), after.get(part, {})
        for key in [k for k in a if k not in b]:
            changes.append(Change(part, key, "removed", {}))
        for key in [k for k in b if k not in a]:
            changes.append(Change(part, key, "added", {}))
        for key in [k for k in a if k in b and a[k] != b[k]]:
            fields = {f: (a[key].get(f), b[key].get(f)) for f in sorted(set(a[key]) | set(b[key]))}
            changes.append(
                Change(part, key, "changed", {f: v for f, v in fields.items() if v[0] != v[1]})
            )
    for key in ("effective_from", "effective_to"):
        if before.get(key) != after.get(key):
            changes.append(
                Change("version", key, "changed", {key: (before.get(key), after.get(key))})
            )
    return changes
