"""Publishing: a draft published after its scenarios (and coverage) pass; retiring."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from eligibility.canonical import ruleset_hash
from eligibility.catalogue import compile_cache, refuse_overlap, stored_ruleset
from eligibility.catalogue.corrections import refuse_taken_target
from eligibility.catalogue.lookups import get_version
from eligibility.compiler import CompiledRuleSet
from eligibility.coverage import Coverage, coverage
from eligibility.errors import (
    Conflict,
    CoverageIncomplete,
    ImmutableVersion,
    ParentNotPublished,
    PreconditionFailed,
    SameAuthorAndPublisher,
    ScenariosFailed,
)
from eligibility.evaluation import EngineName
from eligibility.loader import load_paths
from eligibility.ports import Storage
from eligibility.records import StoredVersion
from eligibility.scenarios import run_scenarios
from eligibility.services.drafts import create_draft
from eligibility.services.versions import document_to_store, hash_refusal


def publish(
    store: Storage,
    ruleset_id: str,
    version: str,
    publisher: str,
    *,
    reviewed_hash: str | None = None,
    maker_checker: bool = False,
    require_coverage: bool = False,
    engine: EngineName = "durable",
) -> StoredVersion:
    """Publish a draft after all its scenarios pass (on `engine`); ScenariosFailed otherwise.

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
    failures = [r for r in run_scenarios(compiled, compiled.ruleset, engine) if not r.passed]
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
    store: Storage,
    paths: Iterable[Path],
    publisher: str,
    *,
    require_coverage: bool = False,
    engine: EngineName = "durable",
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
            create_draft(store, document_to_store(ruleset), publisher)
        elif (refusal := hash_refusal(ruleset, stored)) is not None:
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
                engine=engine,
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
