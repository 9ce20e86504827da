"""One malformed rule file per error message: each is refused with its message, path and line.

Every file in invalid/ starts with comments that pin what the service must report:
    # expect: <a part of the message>
    # path: <the path in the document, e.g. rules.adult.when; empty for the whole file>
    # at: <line>[:<column>]
    # suggest: <the "did you mean" word>        (optional)
Each file is checked alone, the way `eligibility rules lint FILE` checks it: copied into a
folder named like its rule set, loaded, and compiled.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from eligibility import Catalogue, Problem, RuleSetError, load_paths

INVALID = Path(__file__).parent / "invalid"
FILES = sorted(INVALID.glob("*.yaml"))
HEADER = re.compile(r"^# (expect|path|at|suggest):[ ]?(.*)$")


@dataclass(frozen=True)
class Expectation:
    """What a malformed file must be reported with."""

    message: str
    path: str
    line: int
    column: int | None
    suggestion: str | None


def expectation(file: Path) -> Expectation:
    """The pinned expectation, read from the file's header comments."""
    found: dict[str, str] = {}
    for text in file.read_text(encoding="utf-8").splitlines():
        match = HEADER.match(text)
        if not match:
            break
        found[match.group(1)] = match.group(2).strip()
    line, _, column = found["at"].partition(":")
    return Expectation(
        found["expect"],
        found.get("path", ""),
        int(line),
        int(column) if column else None,
        found.get("suggest"),
    )


def problems_of(file: Path, folder: Path) -> list[Problem]:
    """Every problem reported for the file, checked alone in a folder named `invalid`."""
    target = folder / "invalid" / file.name
    target.parent.mkdir()
    shutil.copy(file, target)
    try:
        Catalogue.of(load_paths([target]))
    except RuleSetError as error:
        return error.problems
    return []


def test_the_corpus_covers_at_least_fifteen_distinct_messages() -> None:
    pinned = {(expectation(f).message, expectation(f).path) for f in FILES}
    assert len(pinned) == len(FILES), "two files pin the same message at the same path"
    assert len({message for message, _ in pinned}) >= 15


@pytest.mark.parametrize("file", FILES, ids=[f.stem for f in FILES])
def test_malformed_file_is_refused_with_its_message(file: Path, tmp_path: Path) -> None:
    want = expectation(file)
    problems = problems_of(file, tmp_path)
    assert problems, f"{file.name} loaded without a problem"
    assert len(problems) == 1, "\n".join(map(str, problems))
    (problem,) = problems
    assert want.message in problem.message
    assert problem.file is not None and Path(problem.file).name == file.name
    assert problem.path == want.path
    assert problem.line == want.line
    if want.column is not None:
        assert problem.column == want.column
    assert problem.suggestion == want.suggestion
    assert str(problem).startswith(f"{problem.file}:{problem.line}:")
