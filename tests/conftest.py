"""Shared fixtures: paths of the repository and the small fishing-licence rule set."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The editable install maps `eligibility` as a namespace package when the repository root is
# not on sys.path (as under the `pytest` script); put the root first so the real package loads.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

from eligibility import CompiledRuleSet, compiled, load_paths  # noqa: E402

RULES = ROOT / "rules"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def fishing() -> CompiledRuleSet:
    """The fishing-licence example of docs/authoring.md, compiled."""
    (ruleset,) = load_paths([FIXTURES / "fishing-licence"])
    return compiled(ruleset)
