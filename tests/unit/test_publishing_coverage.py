"""The optional publish gate on scenario coverage (services.publish(require_coverage=True))."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eligibility import services
from eligibility.errors import CoverageIncomplete
from eligibility.storage.memory import MemoryStorage

FISHING = Path(__file__).resolve().parents[1] / "fixtures" / "fishing-licence"
SENIOR = {"name": "a senior resident", "answers": {"age": 70, "resident": True},
          "expect": {"eligible": True}}  # fmt: skip
COVERING = [
    SENIOR,
    {"name": "a young resident, low income", "answers": {"age": 30, "income": "900.00",
     "resident": True}, "expect": {"eligible": True}},
    {"name": "income unknown", "answers": {"age": 30, "income": "unknown", "resident": True},
     "expect": {"eligible": None}},
    {"name": "a high income", "answers": {"age": 30, "income": "5000.00", "resident": True},
     "expect": {"eligible": False}},
    {"name": "a visitor", "answers": {"age": 70, "resident": False},
     "expect": {"eligible": False}},
]  # fmt: skip


def draft(scenarios: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "ruleset": "fishing-licence",
        "version": "2025-01-01",
        "extends": "2024-01-01",
        "effective_from": "2025-01-01",
        "parameters": {"income_limit": {"value": "1000.00"}},
        "scenarios": scenarios,
    }


@pytest.fixture
def store() -> MemoryStorage:
    storage = MemoryStorage()
    services.sync_rule_files(storage, [FISHING])
    return storage


def test_a_version_with_unexercised_outcomes_is_refused_when_coverage_is_required(
    store: MemoryStorage,
) -> None:
    services.create_draft(store, draft([SENIOR]), "author")
    with pytest.raises(CoverageIncomplete) as refused:
        services.publish(store, "fishing-licence", "2025-01-01", "p", require_coverage=True)
    message = str(refused.value)
    assert message.startswith(
        "fishing-licence 2025-01-01: publishing requires scenarios that exercise every outcome "
        "of the rules, and 9 are exercised by none: goals.eligible.value: no scenario makes "
        "goal 'eligible' false; "
    )
    assert message.endswith("; and 6 more")
    assert services.get_version(store, "fishing-licence", "2025-01-01").status == "draft"


def test_without_the_gate_the_same_version_is_published(store: MemoryStorage) -> None:
    services.create_draft(store, draft([SENIOR]), "author")
    assert services.publish(store, "fishing-licence", "2025-01-01", "p").status == "published"


def test_full_coverage_passes_the_gate(store: MemoryStorage) -> None:
    services.create_draft(store, draft(COVERING), "author")
    done = services.publish(store, "fishing-licence", "2025-01-01", "p", require_coverage=True)
    assert done.status == "published"
