"""Stored versions by what names them: an id, a record's content hash, a what-if's choice.

These return the stored record (`StoredVersion`), which batch work sends to its workers
to compile there; `Catalogue` answers requests with versions compiled here.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from eligibility.errors import NoVersionApplies, RuleSetNotFound, VersionNotFound
from eligibility.ports import Storage
from eligibility.records import StoredVersion


class NamesVersion(Protocol):
    """A record that names the version it was made under: a session, a decision."""

    @property
    def ruleset_id(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def content_hash(self) -> str: ...


def list_versions(store: Storage, ruleset_id: str | None = None) -> list[StoredVersion]:
    """Stored versions (any status), by rule set and effective date."""
    found = store.versions.list(ruleset_id)
    if ruleset_id is not None and not found:
        raise RuleSetNotFound(ruleset_id)
    return found


def get_version(store: Storage, ruleset_id: str, version: str) -> StoredVersion:
    """One stored version; VersionNotFound (or RuleSetNotFound) otherwise."""
    stored = store.versions.get(ruleset_id, version)
    if stored is None:
        list_versions(store, ruleset_id)
        raise VersionNotFound(ruleset_id, version)
    return stored


def recorded_as(store: Storage, record: NamesVersion) -> StoredVersion | None:
    """The stored version a record names, found by its content hash: the version by id
    when its hash matches, else any with that hash, else None."""
    stored = store.versions.get(record.ruleset_id, record.version)
    if stored is None or stored.content_hash != record.content_hash:
        stored = store.versions.by_hash(record.content_hash)
    return stored


def recorded_version(store: Storage, record: NamesVersion) -> StoredVersion:
    """The stored version a decision was made under, by its content hash; VersionNotFound."""
    stored = recorded_as(store, record)
    if stored is None:
        raise VersionNotFound(
            record.ruleset_id,
            record.version,
            f"no stored version has content hash {record.content_hash} "
            f"({record.ruleset_id} {record.version})",
        )
    return stored


def what_if_version(
    store: Storage, ruleset_id: str, version: str | None, as_of: dt.date | None
) -> StoredVersion | None:
    """The what-if version: named (drafts too, for impact analysis), or covering `as_of`."""
    if version is not None:
        return get_version(store, ruleset_id, version)
    if as_of is None:
        return None
    covering = store.versions.covering(ruleset_id, as_of)
    if covering is None:
        list_versions(store, ruleset_id)  # RuleSetNotFound first, when it is that
        raise NoVersionApplies(
            f"no published version of '{ruleset_id}' applies on {as_of.isoformat()}"
        )
    return covering
