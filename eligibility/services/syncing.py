"""Rule files into storage: new versions stored, drafts updated, changed published ones refused."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from eligibility.catalogue import refuse_overlap
from eligibility.catalogue.corrections import (
    corrections_last,
    refuse_bad_correction,
    refuse_taken_target,
)
from eligibility.catalogue.lookups import get_version
from eligibility.compiler import compile_ruleset
from eligibility.errors import (
    Conflict,
    ImmutableVersion,
    ParentNotPublished,
    Problem,
    RuleSetError,
    unique,
)
from eligibility.loader import load_each, load_paths
from eligibility.model import RuleSet
from eligibility.ports import Storage
from eligibility.records import StoredVersion
from eligibility.services.versions import document_to_store, hash_refusal, new_record


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
        if (refusal := hash_refusal(r, stored)) is not None
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
        record = new_record(ruleset, ruleset.status, by, store.now())
        store.versions.replace(replace(record, created_at=stored.created_at), "draft")
        return "updated"
    if stored.status != "draft" and _dating_differs(ruleset, stored):
        # Outside the content hash: a published version's file may declare it later.
        content = {k: v for k, v in stored.content.items() if k != "dated_by"}
        content.update({k: v for k, v in document_to_store(ruleset).items() if k == "dated_by"})
        updated = replace(stored, content=content)
        store.versions.replace(updated, stored.status, expected_hash=stored.content_hash)
        return "updated"
    return "unchanged"


def _dating_differs(ruleset: RuleSet, stored: StoredVersion) -> bool:
    return stored.content.get("dated_by") != document_to_store(ruleset).get("dated_by")


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
        store.versions.add(new_record(ruleset, ruleset.status, by, store.now()))
    except Conflict:
        stored = get_version(store, ruleset.id, ruleset.version)
        if (refusal := hash_refusal(ruleset, stored)) is not None:
            raise ImmutableVersion(refusal) from None
        return False
    return True


def _file_differs(ruleset: RuleSet, stored: StoredVersion) -> bool:
    return ruleset.status != "draft" or stored.content != document_to_store(ruleset)
