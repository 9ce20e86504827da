"""Shared fixtures: the small fishing-licence rule set of docs/authoring.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from eligibility import CompiledRuleSet, compiled, load_paths

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def fishing() -> CompiledRuleSet:
    """The fishing-licence example of docs/authoring.md, compiled."""
    (ruleset,) = load_paths([FIXTURES / "fishing-licence"])
    return compiled(ruleset)
