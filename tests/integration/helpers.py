"""Paths and small helpers shared by the integration tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from eligibility import services
from eligibility.decisions import Decision
from eligibility.ports import Storage

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FISHING = FIXTURES / "fishing-licence"
DAY = dt.date(2024, 5, 1)


def decide(
    store: Storage, answers: dict[str, Any], client: str = "client-1", key: str | None = None
) -> Decision:
    """Record one fishing-licence decision as of DAY (complete or not)."""
    request = services.EvaluationRequest("fishing-licence", answers, as_of=DAY)
    return services.record_decision(store, request, client, key, allow_incomplete=True).decision
