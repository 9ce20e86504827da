"""Stored versions: the record of a version, and refusing a changed hash (lookups: catalogue)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eligibility.canonical import ruleset_hash, to_document
from eligibility.model import RuleSet, Status
from eligibility.records import StoredVersion


def document_to_store(ruleset: RuleSet) -> dict[str, Any]:
    """The canonical document stored for a version: content and scenarios, without status."""
    document = to_document(ruleset, with_scenarios=True)
    document.pop("status", None)
    return document


def new_record(ruleset: RuleSet, status: Status, by: str, now: dt.datetime) -> StoredVersion:
    """The stored record of a version with this status, made by `by` at `now`."""
    published = status != "draft"
    return StoredVersion(
        ruleset_id=ruleset.id,
        version=ruleset.version,
        status=status,
        content=document_to_store(ruleset),
        content_hash=ruleset_hash(ruleset),
        effective_from=ruleset.effective_from,
        effective_to=ruleset.effective_to,
        created_at=now,
        created_by=by,
        source=ruleset.source,
        published_at=now if published else None,
        published_by=by if published else None,
        retired_at=now if status == "retired" else None,
        retired_by=by if status == "retired" else None,
        extends=ruleset.extends,
    )


def hash_refusal(ruleset: RuleSet, stored: StoredVersion) -> str | None:
    """Why a file's version may not replace a stored one with another content hash (or None)."""
    found = ruleset_hash(ruleset)
    if found == stored.content_hash:
        return None
    return (
        f"{ruleset.source}: {ruleset.id} {ruleset.version} is {stored.status} with content hash "
        f"{stored.content_hash}, but the file now has content hash {found}; a published "
        f"version never changes: give the change a new version"
    )
