"""Stored versions: the record of a version, finding one, and refusing a changed hash."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eligibility.canonical import ruleset_hash, to_document
from eligibility.errors import RuleSetNotFound, VersionNotFound
from eligibility.model import RuleSet, Status
from eligibility.ports import Storage
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


def list_versions(store: Storage, ruleset_id: str | None = None) -> list[StoredVersion]:
    """Stored versions (any status), by rule set and effective date."""
    found = store.versions.list(ruleset_id)
    if ruleset_id is not None and not found:
        raise RuleSetNotFound(ruleset_id)
    return found


def recorded_as(
    store: Storage, ruleset_id: str, version: str, content_hash: str
) -> StoredVersion | None:
    """The stored version a record names (a session's, a decision's), found by its content
    hash: the version by id when its hash matches, else any with that hash, else None."""
    stored = store.versions.get(ruleset_id, version)
    if stored is None or stored.content_hash != content_hash:
        stored = store.versions.by_hash(content_hash)
    return stored


def get_version(store: Storage, ruleset_id: str, version: str) -> StoredVersion:
    """One stored version; VersionNotFound (or RuleSetNotFound) otherwise."""
    stored = store.versions.get(ruleset_id, version)
    if stored is None:
        list_versions(store, ruleset_id)
        raise VersionNotFound(ruleset_id, version)
    return stored
