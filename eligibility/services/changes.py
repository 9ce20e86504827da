"""What changed between two stored versions (a draft under review and the version in force)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eligibility.catalogue.lookups import get_version
from eligibility.diff import Change, diff_documents
from eligibility.ports import Storage
from eligibility.records import StoredVersion


@dataclass(frozen=True)
class VersionChanges:
    """Two stored versions of one rule set and the changes from the first to the second."""

    ruleset_id: str
    since: StoredVersion
    version: StoredVersion
    changes: list[Change]


def document_with_status(stored: StoredVersion) -> Mapping[str, Any]:
    """A stored version's canonical document, with the status it has now.

    The content keeps the status it was sent with (a draft); the column says what it is.
    """
    return {**stored.content, "status": stored.status}


def version_changes(store: Storage, ruleset_id: str, since: str, version: str) -> VersionChanges:
    """The changes from version `since` to `version` (VersionNotFound for either)."""
    old = get_version(store, ruleset_id, since)
    new = get_version(store, ruleset_id, version)
    changes = diff_documents(document_with_status(old), document_with_status(new))
    return VersionChanges(ruleset_id, old, new, changes)
