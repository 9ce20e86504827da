"""Paths and small helpers shared by the integration tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

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


def cancelled_after_two_pages(
    jobs: services.ChainVerifications, store: Storage, job_id: str
) -> dict[str, Any]:
    """Run a verification job that an auditor cancels once it has read two pages."""
    asked = [0]

    def after_two_pages(_: str) -> bool:
        asked[0] += 1  # asked as the job starts, then after each page
        return asked[0] == 3

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jobs.files, "cancel_asked", after_two_pages)
        return jobs.run(store, job_id)
