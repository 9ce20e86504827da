"""Rule-set lifecycle over storage: sync files, drafts, publish after scenarios, retire, select."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from eligibility.canonical import ruleset_hash, to_document
from eligibility.catalogue import compile_cache, refuse_overlap, stored_ruleset
from eligibility.catalogue.corrections import (
    corrections_last,
    refuse_bad_correction,
    refuse_taken_target,
)
from eligibility.compiler import CompiledRuleSet, compile_ruleset
from eligibility.coverage import Coverage, coverage
from eligibility.errors import (
    Conflict,
    CoverageIncomplete,
    ImmutableVersion,
    ParentNotPublished,
    PreconditionFailed,
    Problem,
    RuleSetError,
    RuleSetNotFound,
    SameAuthorAndPublisher,
    ScenariosFailed,
    VersionNotFound,
    unique,
)
from eligibility.loader import (
    Document,
    document_from_data,
    load_document,
    load_each,
    load_paths,
)
from eligibility.model import RuleSet, Status
from eligibility.ports import Storage
from eligibility.records import StoredVersion
from eligibility.scenarios import run_scenarios
from eligibility.yaml_source import load_yaml


def stored_document(ruleset: RuleSet) -> dict[str, Any]:
    """The canonical document stored for a version: content and scenarios, without status."""
    document = to_document(ruleset, with_scenarios=True)
    document.pop("status", None)
    return document


def _new_record(ruleset: RuleSet, status: Status, by: str, now: dt.datetime) -> StoredVersion:
    published = status != "draft"
    return StoredVersion(
        ruleset_id=ruleset.id,
        version=ruleset.version,
        status=status,
        content=stored_document(ruleset),
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


# --- files ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncReport:
    """What a sync of rule files did, as "ruleset version" names, and what it left out.

    `problems` are the files (or versions) that were not stored and why, each with its
    file and, where known, line and column, in the author's words.
    """

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


def sync_rule_files(
    store: Storage, paths: Iterable[Path], by: str = "rules-sync", *, skip_broken: bool = False
) -> SyncReport:
    """Store the versions in rule files: new ones with their status and hash; refuse changed ones.

    A published (or retired) version whose file now has another content hash is
    refused with ImmutableVersion naming the file and both hashes; then nothing
    is stored. With `skip_broken`, a file that cannot be loaded, compiled or
    stored (and the versions extending it) is left out and named in the report's
    `problems`, and every other version is stored: one typo does not stop the rest.
    """
    if skip_broken:
        rulesets, problems = load_each(list(paths))
    else:
        rulesets, problems = load_paths(list(paths)), []
    usable = corrections_last(_checked(rulesets, problems))
    plan = [(r, store.versions.get(r.id, r.version)) for r in usable]
    refusals = {
        (r.id, r.version): refusal
        for r, stored in plan
        if stored is not None and stored.status != "draft"
        if (refusal := _refusal(r, stored)) is not None
    }
    if not skip_broken and (problems or refusals):
        raise RuleSetError(problems) if problems else ImmutableVersion("\n".join(refusals.values()))
    done: dict[str, list[str]] = {"added": [], "updated": [], "unchanged": []}
    for ruleset, stored in plan:
        try:
            if (refusal := refusals.get((ruleset.id, ruleset.version))) is not None:
                raise ImmutableVersion(refusal)
            done[_store_file_version(store, ruleset, stored, by)].append(
                f"{ruleset.id} {ruleset.version}"
            )
        except (RuleSetError, ImmutableVersion) as error:
            if not skip_broken:
                raise
            problems.extend(_problems_of(ruleset, error))
    return SyncReport(
        tuple(done["added"]),
        tuple(done["updated"]),
        tuple(done["unchanged"]),
        tuple(unique(problems)),
    )


def _checked(rulesets: list[RuleSet], problems: list[Problem]) -> list[RuleSet]:
    """The versions that compile and do not overlap another published one in the files."""
    usable: list[RuleSet] = []
    for ruleset in rulesets:
        try:
            compile_ruleset(ruleset)  # every expression checked before anything is stored
            if ruleset.status == "published":
                same = [r for r in rulesets if r.id == ruleset.id]
                refuse_overlap(ruleset, same, ruleset.source)
                _refuse_draft_parent(ruleset, same)
                refuse_bad_correction(ruleset, same)
            usable.append(ruleset)
        except RuleSetError as error:
            problems.extend(error.problems)
    return usable


def _refuse_draft_parent(ruleset: RuleSet, same: list[RuleSet]) -> None:
    """A published file may not extend a file that is still a draft."""
    parent = next((r for r in same if r.version == ruleset.extends), None)
    if parent is not None and parent.status == "draft":
        where = ruleset.positions.get("extends")
        message = str(ParentNotPublished(ruleset.id, ruleset.version, parent.version))
        line, column = (where.line, where.column) if where else (None, None)
        raise RuleSetError([Problem(message, "extends", ruleset.source, line, column)])


def _store_file_version(
    store: Storage, ruleset: RuleSet, stored: StoredVersion | None, by: str
) -> str:
    """Store one file's version: what was done (added, updated or unchanged)."""
    if stored is None:
        return "added" if _add_file_version(store, ruleset, by) else "unchanged"
    if stored.status == "draft" and _file_differs(ruleset, stored):
        record = _new_record(ruleset, ruleset.status, by, store.now())
        store.versions.replace(replace(record, created_at=stored.created_at), "draft")
        return "updated"
    if stored.status != "draft" and _dating_differs(ruleset, stored):
        # Outside the content hash: a published version's file may declare it later.
        content = {k: v for k, v in stored.content.items() if k != "dated_by"}
        content.update({k: v for k, v in stored_document(ruleset).items() if k == "dated_by"})
        updated = replace(stored, content=content)
        store.versions.replace(updated, stored.status, expected_hash=stored.content_hash)
        return "updated"
    return "unchanged"


def _dating_differs(ruleset: RuleSet, stored: StoredVersion) -> bool:
    return stored.content.get("dated_by") != stored_document(ruleset).get("dated_by")


def _problems_of(ruleset: RuleSet, error: RuleSetError | ImmutableVersion) -> list[Problem]:
    """An error storing a file's version as problems of that file, in the author's words."""
    if isinstance(error, RuleSetError):
        return error.problems
    text = str(error).removeprefix(f"{ruleset.source}: ")
    return [Problem(text, "", ruleset.source)]


def _add_file_version(store: Storage, ruleset: RuleSet, by: str) -> bool:
    """Store a file's new version; False if another process stored the same one meanwhile."""
    if ruleset.status == "published":
        stored_versions = store.versions.list(ruleset.id)
        refuse_bad_correction(ruleset, stored_versions)
        refuse_taken_target(ruleset.supersedes, ruleset.version, stored_versions)
        refuse_overlap(ruleset, stored_versions, ruleset.source)
    try:
        store.versions.add(_new_record(ruleset, ruleset.status, by, store.now()))
    except Conflict:
        stored = get_version(store, ruleset.id, ruleset.version)
        if (refusal := _refusal(ruleset, stored)) is not None:
            raise ImmutableVersion(refusal) from None
        return False
    return True


def _refusal(ruleset: RuleSet, stored: StoredVersion) -> str | None:
    found = ruleset_hash(ruleset)
    if found == stored.content_hash:
        return None
    return (
        f"{ruleset.source}: {ruleset.id} {ruleset.version} is {stored.status} with content hash "
        f"{stored.content_hash}, but the file now has content hash {found}; a published "
        f"version never changes: give the change a new version"
    )


def _file_differs(ruleset: RuleSet, stored: StoredVersion) -> bool:
    return ruleset.status != "draft" or stored.content != stored_document(ruleset)


# --- authoring ------------------------------------------------------------------------------


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
    record = replace(_new_record(ruleset, "draft", author, store.now()), source=None)
    if existing is None:
        store.versions.add(record)
    else:
        store.versions.replace(replace(record, created_at=existing.created_at), "draft")
    return record


def publish(
    store: Storage,
    ruleset_id: str,
    version: str,
    publisher: str,
    *,
    reviewed_hash: str | None = None,
    maker_checker: bool = False,
    require_coverage: bool = False,
) -> StoredVersion:
    """Publish a draft after all its scenarios pass; ScenariosFailed otherwise.

    With `reviewed_hash`, exactly that content is published: a draft sent again
    since (another content hash) is refused with PreconditionFailed, also when it
    is sent while publishing. With `maker_checker`, the author of the content may
    not publish it (SameAuthorAndPublisher): API keys with the same name are one
    person. A version whose parent (the version it extends) is still a draft is
    refused with ParentNotPublished: the parent is published first. With
    `require_coverage`, a version whose scenarios leave an outcome of its rules
    unexercised is refused with CoverageIncomplete (see eligibility.coverage).
    Publishing an already published version is a no-op; a retired version
    cannot be published again (Conflict).
    """
    stored = get_version(store, ruleset_id, version)
    if reviewed_hash is not None and stored.content_hash != reviewed_hash:
        raise PreconditionFailed(reviewed_hash, stored.content_hash)
    if stored.status == "published":
        return stored
    if stored.status == "retired":
        raise Conflict(f"{ruleset_id} {version} is retired and cannot be published again")
    if maker_checker and _person(store, stored.created_by) == _person(store, publisher):
        raise SameAuthorAndPublisher(
            f"{ruleset_id} {version} was written by {_person(store, publisher)}; "
            "another person must publish it"
        )
    if stored.extends is not None:
        parent = store.versions.get(ruleset_id, stored.extends)
        if parent is not None and parent.status == "draft":
            raise ParentNotPublished(ruleset_id, version, stored.extends)
    compiled = _with_own_scenarios(stored)
    failures = [r for r in run_scenarios(compiled, compiled.ruleset) if not r.passed]
    if failures:
        raise ScenariosFailed(ruleset_id, version, failures)
    if require_coverage:
        _refuse_uncovered(compiled)
    others = store.versions.list(ruleset_id)
    refuse_taken_target(stored.supersedes, version, others)
    refuse_overlap(stored, others, f"{ruleset_id}/{version}")
    now = store.now()
    published = replace(stored, status="published", published_at=now, published_by=publisher)
    try:
        store.versions.replace(published, "draft", expected_hash=stored.content_hash)
    except Conflict:
        current = get_version(store, ruleset_id, version)
        if current.content_hash != stored.content_hash:  # sent again while we checked it
            raise PreconditionFailed(stored.content_hash, current.content_hash) from None
        raise
    return published


def _with_own_scenarios(stored: StoredVersion) -> CompiledRuleSet:
    """A stored version compiled, with its own scenarios (the cache is keyed by the rules'
    hash, which leaves scenarios out: another draft with the same rules may have others)."""
    return replace(compile_cache().stored(stored), ruleset=stored_ruleset(stored))


def version_coverage(store: Storage, ruleset_id: str, version: str) -> Coverage:
    """What the scenarios of a stored version (a draft under review too) exercise and miss."""
    return coverage(_with_own_scenarios(get_version(store, ruleset_id, version)))


def _refuse_uncovered(compiled: CompiledRuleSet) -> None:
    """CoverageIncomplete unless the version's own scenarios exercise every outcome."""
    missed = coverage(compiled).missed
    if missed:
        ruleset = compiled.ruleset
        raise CoverageIncomplete(ruleset.id, ruleset.version, list(missed))


def _person(store: Storage, client: str) -> str:
    """Who acts: the name of the API key (one person may hold an author and a publisher key)."""
    key = store.keys.get(client.removeprefix("key:")) if client.startswith("key:") else None
    return (key.name if key is not None else client).strip().casefold()


@dataclass(frozen=True)
class Publication:
    """A version publish_files went through: as stored now, and whether it was published before."""

    version: StoredVersion
    already: bool


def publish_files(
    store: Storage, paths: Iterable[Path], publisher: str, *, require_coverage: bool = False
) -> list[Publication]:
    """Publish every version in rule files (extends resolved from sibling files).

    Each becomes a draft and is then published (its scenarios must pass, and with
    `require_coverage` exercise every outcome); a version already published with the
    same content is left as it is (`already`).
    """
    published = []
    for ruleset in load_paths(list(paths)):
        stored = store.versions.get(ruleset.id, ruleset.version)
        if stored is None or stored.status == "draft":
            create_draft(store, stored_document(ruleset), publisher)
        elif (refusal := _refusal(ruleset, stored)) is not None:
            raise ImmutableVersion(refusal)
        reviewed = ruleset_hash(ruleset)
        try:
            done = publish(
                store,
                ruleset.id,
                ruleset.version,
                publisher,
                reviewed_hash=reviewed,
                require_coverage=require_coverage,
            )
        except CoverageIncomplete:  # say where in the file, which the stored copy cannot
            _refuse_uncovered(compile_cache().ruleset(ruleset))
            raise
        already = stored is not None and stored.status == "published"
        published.append(Publication(done, already))
    return published


def retire(store: Storage, ruleset_id: str, version: str, by: str) -> StoredVersion:
    """Retire a published version: no new decisions use it; replay still does."""
    stored = get_version(store, ruleset_id, version)
    if stored.status == "retired":
        return stored
    if stored.status != "published":
        raise Conflict(f"{ruleset_id} {version} is a draft; only published versions are retired")
    retired = replace(stored, status="retired", retired_at=store.now(), retired_by=by)
    store.versions.replace(retired, "published")
    return retired


# --- lookup ---------------------------------------------------------------------------------


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
