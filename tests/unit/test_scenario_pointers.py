"""Scenarios name an instance's questions by pointer in expect_next and expect_refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from eligibility.compiler import compile_ruleset
from eligibility.errors import RuleSetError
from eligibility.loader import load_paths

FAMILY = Path(__file__).parents[1] / "fixtures" / "family-allowance" / "2024-01-01.yaml"

SCENARIO = """
  - name: pointers
    answers: {resident: true, children: [{id: c1, name: Anna}]}
    expect: {eligible: null}
    expect_next: [%s]
"""


def _load(tmp_path: Path, keys: str) -> None:
    folder = tmp_path / "family-allowance"
    folder.mkdir()
    (folder / "2024-01-01.yaml").write_text(FAMILY.read_text() + SCENARIO % keys)
    (ruleset,) = load_paths([folder])
    compile_ruleset(ruleset)  # scenarios are checked when a version compiles


def test_a_pointer_to_a_question_of_an_instance_is_accepted(tmp_path: Path) -> None:
    _load(tmp_path, "/children/c1/age, /children/c1/in_education, children_complete")


def test_a_pointer_to_an_unknown_question_or_collection_is_named(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError) as caught:
        _load(tmp_path, "/children/c1/agee, /pets/p1/age, /children/age")
    message = str(caught.value)
    assert "unknown question '/children/c1/agee'" in message and "'age'" in message
    assert "'/pets/p1/age' names no question of an instance" in message
    assert "'/children/age' names no question of an instance" in message
