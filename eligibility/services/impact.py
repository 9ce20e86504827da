"""Impact before publishing: a what-if replay seen as aggregates only (no decision, no answer).

Authors and publishers try a draft over recorded decisions and see how many outcomes
change, how, which rules made the difference and how the amounts move, never which
decisions or whose. Sums over fewer than `min_group` decisions are withheld, so an
amount cannot be traced back to one claimant.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from eligibility.errors import NotFound
from eligibility.ports import Storage
from eligibility.records import DecisionFilter, ReplayJob
from eligibility.services.replaying import get_replay_job, start_replay_job

DEFAULT_MIN_GROUP = 5


@dataclass(frozen=True)
class Impact:
    """What a draft would change over recorded decisions, in aggregate."""

    id: str
    ruleset_id: str
    target_version: str | None
    status: str
    total: int
    processed: int
    created_at: dt.datetime
    finished_at: dt.datetime | None
    unchanged: int
    changed: int
    failed: int
    by_goal: Mapping[str, Mapping[str, int]]
    labels: Mapping[str, str]
    by_rule: Mapping[str, Mapping[str, Any]]
    amounts: Mapping[str, Mapping[str, Any] | None]  # None: too few decisions to show
    failures: Mapping[str, int]  # by kind of error, never its text
    min_group: int


def start_impact(
    store: Storage,
    ruleset_id: str,
    version: str,
    created_by: str,
    filters: DecisionFilter | None = None,
) -> ReplayJob:
    """Start replaying a rule set's recorded decisions under `version` (a draft, say)."""
    return start_replay_job(store, ruleset_id, created_by, version, filters=filters)


def get_impact(
    store: Storage, job_id: str, viewer: str | None, min_group: int = DEFAULT_MIN_GROUP
) -> Impact:
    """A job's aggregates; `viewer` set: only a job that viewer started (NotFound otherwise)."""
    job = get_replay_job(store, job_id)
    if viewer is not None and job.created_by != viewer:
        raise NotFound("replay job", job_id)
    return impact_of(job, min_group)


def impact_of(job: ReplayJob, min_group: int = DEFAULT_MIN_GROUP) -> Impact:
    """The aggregate view of a job: counts, changes by goal and rule, sums; no ids."""
    summary = job.summary
    return Impact(
        id=job.id,
        ruleset_id=job.ruleset_id,
        target_version=job.target_version,
        status=job.status,
        total=job.total,
        processed=job.processed,
        created_at=job.created_at,
        finished_at=job.finished_at,
        unchanged=summary.unchanged,
        changed=summary.changed,
        failed=summary.failed,
        by_goal={goal: _without_amounts(counts) for goal, counts in summary.by_goal.items()},
        labels=summary.labels,
        by_rule=summary.by_rule,
        amounts={
            goal: dict(sums) if sums.get("decisions", 0) >= min_group else None
            for goal, sums in summary.amounts.items()
        },
        failures=dict(summary.failures),
        min_group=min_group,
    )


def _without_amounts(counts: Mapping[str, int]) -> dict[str, int]:
    """`20 → 0 ×1` becomes `lower ×1`: how amounts moved, not one claimant's amounts."""
    found: Counter[str] = Counter()
    for change, count in counts.items():
        before, _, after = change.partition(" → ")
        old, new = _number(before), _number(after)
        if old is not None and new is not None:
            change = "higher" if new > old else "lower" if new < old else "same"
        elif old is not None or new is not None:
            change = f"{'amount' if old is not None else before} → "
            change += "amount" if new is not None else after
        found[change] += count
    return dict(found)


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None
