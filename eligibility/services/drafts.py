"""Drafts: a version written over the API or the CLI, validated and stored as a draft."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from eligibility.catalogue.corrections import refuse_bad_correction
from eligibility.compiler import compile_ruleset
from eligibility.errors import ImmutableVersion, Problem, RuleSetError
from eligibility.loader import Document, document_from_data, load_document
from eligibility.ports import Storage
from eligibility.records import StoredVersion
from eligibility.services.versions import new_record
from eligibility.yaml_source import load_yaml


def _document(data: Mapping[str, Any] | str) -> Document:
    if isinstance(data, str):
        parsed, positions = load_yaml(data, "<request>")
        if not isinstance(parsed, dict):
            raise RuleSetError([Problem("a version must be a mapping of keys", "", "<request>")])
        document = document_from_data(parsed)
        return Document(document.data, positions, "<request>")
    return document_from_data(dict(data))


def create_draft(store: Storage, data: Mapping[str, Any] | str, author: str) -> StoredVersion:
    """A draft version from a document (YAML/JSON text or parsed data), validated with all errors.

    RuleSetError lists every problem; ImmutableVersion if this version is
    already published or retired. An existing draft is replaced.
    """

    def parents(ruleset_id: str, version: str) -> Document | None:
        parent = store.versions.get(ruleset_id, version)
        return document_from_data(dict(parent.content)) if parent else None

    ruleset = load_document(_document(data), parents)
    compile_ruleset(ruleset)  # every expression checked now (drafts are not cached)
    refuse_bad_correction(ruleset, store.versions.list(ruleset.id))
    existing = store.versions.get(ruleset.id, ruleset.version)
    if existing is not None and existing.status != "draft":
        raise ImmutableVersion(
            f"{ruleset.id} {ruleset.version} is {existing.status} and can no longer change; "
            "give the change a new version"
        )
    record = replace(new_record(ruleset, "draft", author, store.now()), source=None)
    if existing is None:
        store.versions.add(record)
    else:
        store.versions.replace(replace(record, created_at=existing.created_at), "draft")
    return record
