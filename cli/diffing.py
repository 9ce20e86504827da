"""`eligibility rules diff`: what changed between two versions, published or not (for authors).

A side is a version id in the rules folder (drafts too), a version stored in the
database with --stored (drafts sent over the API too), or the path of a version file
not yet published (its `extends` is found in the rules folder).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click

from cli import remote
from cli.common import DEFAULT_RULES, database_option, reported, storage
from cli.remote import server_options
from eligibility.canonical import to_document
from eligibility.diff import ABSENT, Change, diff_documents
from eligibility.errors import Problem, RuleSetNotFound, VersionNotFound
from eligibility.expressions.typecheck import suggest
from eligibility.loader import load_each, version_files
from eligibility.model import RuleSet
from eligibility.services.changes import document_with_status


@dataclass(frozen=True)
class Side:
    """One version to compare: what to call it, and its canonical document with scenarios."""

    name: str
    document: dict[str, Any]


@click.command("diff")
@click.argument("ruleset")
@click.argument("old")
@click.argument("new")
@click.option("--rules-dir", type=click.Path(exists=True, path_type=Path), default=DEFAULT_RULES)
@click.option(
    "--stored",
    is_flag=True,
    help="Take versions named by id from the database (drafts sent over the API too).",
)
@database_option
@server_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def diff(
    ruleset: str,
    old: str,
    new: str,
    rules_dir: Path,
    stored: bool,
    url: str | None,
    server: str | None,
    key: str | None,
    as_json: bool,
) -> None:
    """What changed from OLD to NEW: texts in every language, legal basis, questions,
    figures, rules, goals and scenarios.

    OLD and NEW are version ids or paths of version files (drafts not yet published);
    with --server, versions stored on a running server (drafts sent over its API too).
    """
    if server:
        names, changes = _from_server(server, key, ruleset, old, new)
    else:
        with reported():
            before, after = (_side(ruleset, ref, rules_dir, stored, url) for ref in (old, new))
        names, changes = (before.name, after.name), diff_documents(before.document, after.document)
    if as_json:
        click.echo(json.dumps([_plain(c) for c in changes], indent=2, ensure_ascii=False))
        return
    click.echo(f"{ruleset}: {names[0]} → {names[1]}")
    for change in changes:
        click.echo(f"{change.kind:8} {change.part}.{change.id}")
        if change.part == "scenarios" and change.kind != "changed":
            continue  # scenarios are never inherited: a new version lists all anew
        for field, pair in change.fields.items():
            click.echo(f"           {field}: {_shown(change.kind, pair)}")
    click.echo(f"{len(changes)} change(s)")


def _from_server(
    server: str, key: str | None, ruleset: str, old: str, new: str
) -> tuple[tuple[str, str], list[Change]]:
    for ref in (old, new):
        if Path(ref).suffix in (".yaml", ".yml"):
            raise click.BadParameter(
                f"{ref}: --server compares versions stored on the server; send the draft "
                "first, or compare files without --server",
                param_hint="OLD/NEW",
            )
    body, changes = remote.version_changes(server, key, ruleset, old, new)
    old_side, new_side = (f"{s['version']} ({server}, {s['status']})" for s in
                          (body["since"], body["version"]))  # fmt: skip
    return (old_side, new_side), changes


def _shown(kind: str, pair: tuple[Any, Any]) -> str:
    was, now = (_value(v) for v in pair)
    if kind == "added":
        return now
    if kind == "removed":
        return was
    return f"{was} → {now}"


def _value(value: Any) -> str:
    return "(none)" if value is ABSENT else json.dumps(value, ensure_ascii=False)


def _plain(change: Change) -> dict[str, Any]:
    fields = {
        name: {k: v for k, v in (("old", old), ("new", new)) if v is not ABSENT}
        for name, (old, new) in change.fields.items()
    }
    return {"part": change.part, "id": change.id, "kind": change.kind, "fields": fields}


def _side(ruleset: str, ref: str, rules_dir: Path, stored: bool, url: str | None) -> Side:
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        return _from_file(ruleset, path, rules_dir)
    if stored:
        return _from_storage(ruleset, ref, url)
    return _from_folder(ruleset, ref, rules_dir)


def _from_storage(ruleset: str, version: str, url: str | None) -> Side:
    with storage(url) as store:
        found = store.versions.get(ruleset, version)
        if found is None:
            known = sorted({v.ruleset_id for v in store.versions.list()})
            if ruleset not in known:
                raise RuleSetNotFound(ruleset, suggest(ruleset, known))
            raise VersionNotFound(ruleset, version)
    return Side(f"{version} (stored, {found.status})", dict(document_with_status(found)))


def _from_folder(ruleset: str, version: str, rules_dir: Path) -> Side:
    folder = rules_dir / ruleset
    if not folder.is_dir():
        known = sorted(p.name for p in rules_dir.iterdir() if p.is_dir())
        raise RuleSetNotFound(ruleset, suggest(ruleset, known))
    loaded, problems = load_each([folder])
    found = next((r for r in loaded if r.id == ruleset and r.version == version), None)
    if found is None and (folder / f"{version}.yaml").is_file():
        _refuse(problems)
    if found is None:
        raise VersionNotFound(ruleset, version)
    return _loaded(found)


def _from_file(ruleset: str, path: Path, rules_dir: Path) -> Side:
    if not path.is_file():
        raise click.BadParameter(f"{path}: no such file", param_hint="OLD/NEW")
    # The folder's versions are read too, so the file can extend one of them.
    others = [f for f in version_files([rules_dir / ruleset]) if f.resolve() != path.resolve()]
    loaded, problems = load_each([*others, path])
    found = next((r for r in loaded if r.source == str(path)), None)
    if found is None:
        _refuse(problems)
    if found.id != ruleset:
        raise click.BadParameter(f"{path} is a version of '{found.id}', not of '{ruleset}'")
    return _loaded(found)


def _loaded(ruleset: RuleSet) -> Side:
    return Side(f"{ruleset.version} ({ruleset.source}, {ruleset.status})",
                to_document(ruleset, with_scenarios=True))  # fmt: skip


def _refuse(problems: list[Problem]) -> NoReturn:
    """The version to compare has problems: show them as lint does, and stop."""
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(problems)} problem(s) found", err=True)
    sys.exit(1)
