"""Rule files → documents (extends applied) → validated RuleSet objects."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eligibility.builder import build_ruleset
from eligibility.errors import Problem, RuleSetError, unique
from eligibility.model import Location, RuleSet
from eligibility.yaml_source import Positions, load_yaml

# Parts of a version that are mappings of entries by id, merged entry by entry on `extends`.
# A collection is an entry too, and its own parts of entries are merged the same way, so a child
# version changes one rule of an instance without restating the others (or their texts).
ENTRY_PARTS = ("sections", "questions", "parameters", "derived", "rules", "goals", "collections")
# Parts that belong to one version only and are never inherited.
OWN_PARTS = (
    "scenarios",
    "status",
    "extends",
    "version",
    "effective_from",
    "effective_to",
    "supersedes",  # a correction is of one version: never inherited
    "correction_reason",
)
MAX_FILE_BYTES = 2_000_000
MAX_EXTENDS_DEPTH = 50


@dataclass
class Document:
    """The data of one version file, with the positions of its values."""

    data: dict[str, Any]
    positions: Positions
    file: str

    @property
    def key(self) -> tuple[str, str]:
        """(rule set id, version id) as written in the file."""
        return (str(self.data.get("ruleset", "")), str(self.data.get("version", "")))


ParentLookup = Callable[[str, str], "Document | None"]


def read_document(path: Path) -> Document:
    """Read one version file, checking its name against the version it declares."""
    file = str(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise RuleSetError([Problem(f"the file is larger than {MAX_FILE_BYTES} bytes", "", file)])
    data, positions = load_yaml(path.read_text(encoding="utf-8"), file)
    if not isinstance(data, dict):
        raise RuleSetError([Problem("a version file must be a mapping of keys", "", file, 1, 1)])
    return Document(_normalise_ids(data), positions, file)


def document_from_data(data: dict[str, Any], file: str = "<request>") -> Document:
    """A document given as data (an API body or stored content), without positions."""
    if not isinstance(data, dict):
        raise RuleSetError([Problem("a version must be a mapping of keys", "", file)])
    return Document(_normalise_ids(copy.deepcopy(data)), {}, file)


def _normalise_ids(data: dict[str, Any]) -> dict[str, Any]:
    for key in ("version", "extends"):
        value = data.get(key)
        if value is not None and not isinstance(value, str) and hasattr(value, "isoformat"):
            data[key] = value.isoformat()
    return data


def merge(parent: Document, child: Document) -> Document:
    """The child's document on top of its parent's: entries merged key by key, null removes."""
    data = {k: copy.deepcopy(v) for k, v in parent.data.items() if k not in OWN_PARTS}
    for key, value in child.data.items():
        if key in ENTRY_PARTS and isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = _merge_entries(data[key], value, key == "collections")
        else:
            data[key] = copy.deepcopy(value)
    # The parent's scenarios are not inherited: neither are their positions.
    inherited = {k: v for k, v in parent.positions.items() if _part_of(k) not in OWN_PARTS}
    return Document(data, {**inherited, **child.positions}, child.file)


def _part_of(path: str) -> str:
    """The top-level part a position's path lies in: `scenarios[2].answers` → `scenarios`."""
    return path.split(".", 1)[0].split("[", 1)[0]


def _merge_entries(
    parent: dict[str, Any], child: dict[str, Any], collections: bool = False
) -> dict[str, Any]:
    merged = dict(parent)
    for entry_id, entry in child.items():
        if entry is None:
            merged.pop(entry_id, None)
        elif collections and isinstance(entry, dict) and isinstance(merged.get(entry_id), dict):
            merged[entry_id] = _merge_collection(merged[entry_id], entry)
        elif isinstance(entry, dict) and isinstance(merged.get(entry_id), dict):
            merged[entry_id] = {**merged[entry_id], **copy.deepcopy(entry)}
        else:
            merged[entry_id] = copy.deepcopy(entry)
    return merged


def _merge_collection(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """A collection's settings key by key, its parts of entries entry by entry (null removes)."""
    merged = copy.deepcopy(parent)
    for key, value in child.items():
        if key in ENTRY_PARTS and isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge_entries(merged[key], value, key == "collections")
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def resolve(document: Document, parents: ParentLookup) -> Document:
    """Apply `extends` (transitively) so the document stands on its own."""
    chain = [document]
    seen = {document.key}
    while (parent_id := chain[-1].data.get("extends")) is not None:
        ruleset = chain[-1].key[0]
        parent = parents(ruleset, str(parent_id))
        if parent is None:
            raise RuleSetError(
                [_extends_problem(chain[-1], f"extends '{parent_id}', which does not exist")]
            )
        if parent.key in seen or len(chain) > MAX_EXTENDS_DEPTH:
            raise RuleSetError([_extends_problem(chain[-1], f"extends '{parent_id}' in a circle")])
        seen.add(parent.key)
        chain.append(parent)
    resolved = chain.pop()
    while chain:
        resolved = merge(resolved, chain.pop())
    return resolved


def _extends_problem(document: Document, message: str) -> Problem:
    where = document.positions.get("extends", Location(document.file))
    return Problem(message, "extends", where.file, where.line, where.column)


def load_document(document: Document, parents: ParentLookup | None = None) -> RuleSet:
    """Validate one document (resolving extends) into a RuleSet."""
    resolved = resolve(document, parents or (lambda ruleset, version: None))
    return build_ruleset(resolved.data, resolved.positions, document.file)


def version_files(paths: Iterable[Path]) -> list[Path]:
    """Every version file under the given files and folders, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.yaml") if not p.name.startswith(".")))
        else:
            found.append(path)
    return found


def load_paths(paths: Iterable[Path]) -> list[RuleSet]:
    """Load every version under the paths; all problems of all files in one RuleSetError."""
    rulesets, problems = load_each(paths)
    if problems:
        raise RuleSetError(problems)
    return rulesets


def load_each(paths: Iterable[Path]) -> tuple[list[RuleSet], list[Problem]]:
    """Load every version under the paths: the versions that load, and the others' problems."""
    files = version_files(paths)
    documents, problems = _read_all(files)
    by_key = {d.key: d for d in documents}
    unreadable = {str(f) for f in files} - {d.file for d in documents}

    def parent(document: Document) -> ParentLookup:
        """Versions read already, else the file `<version>.yaml` beside the one extending it."""

        def lookup(ruleset: str, version: str) -> Document | None:
            found = by_key.get((ruleset, version))
            sibling = Path(document.file).parent / f"{version}.yaml"
            broken = _extends_problem(document, _BROKEN.format(version, sibling.name))
            if found is None and str(sibling) in unreadable:  # its problems are reported once
                raise RuleSetError([broken])
            if found is None and sibling.is_file():
                try:
                    found = by_key.setdefault((ruleset, version), read_document(sibling))
                except RuleSetError as error:
                    unreadable.add(str(sibling))
                    raise RuleSetError([*error.problems, broken]) from None
            return found

        return lookup

    rulesets: list[RuleSet] = []
    for document in documents:
        with _collect(problems):
            _check_file_name(document)
            rulesets.append(load_document(document, parent(document)))
    return rulesets, unique(problems)


_BROKEN = "extends '{0}', which cannot be used until the problems of {1} are fixed"


def _read_all(files: list[Path]) -> tuple[list[Document], list[Problem]]:
    documents: list[Document] = []
    problems: list[Problem] = []
    for file in files:
        with _collect(problems):
            documents.append(read_document(file))
    return documents, problems


def _check_file_name(document: Document) -> None:
    ruleset, version = document.key
    path = Path(document.file).absolute()  # a bare file name has no folder to check otherwise
    problems = []
    if version and path.stem != version:
        where = document.positions.get("version", Location(document.file))
        problems.append(
            Problem(
                f"the file of version '{version}' must be named {version}.yaml",
                "version",
                where.file,
                where.line,
                where.column,
            )
        )
    if ruleset and path.parent.name != ruleset:
        where = document.positions.get("ruleset", Location(document.file))
        problems.append(
            Problem(
                f"rule set '{ruleset}' must live in a folder named {ruleset}",
                "ruleset",
                where.file,
                where.line,
                where.column,
            )
        )
    if problems:
        raise RuleSetError(problems)


class _collect:
    """Context manager: add a RuleSetError's problems to a list and carry on."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: object, traceback: object) -> bool:
        if isinstance(error, RuleSetError):
            self.problems.extend(error.problems)
            return True
        return False
