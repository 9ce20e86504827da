"""The decision filter as SQL conditions (listing, counting, partitioning and replay reads)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from eligibility.records import DecisionFilter
from eligibility.storage.sql.models import DecisionRow


def filtered(query: Select[Any], filters: DecisionFilter) -> Select[Any]:
    """`query` limited to the decisions `filters` lets through."""
    conditions = {
        DecisionRow.ruleset_id: filters.ruleset_id,
        DecisionRow.version: filters.version,
        DecisionRow.eligible: filters.eligible,
        DecisionRow.status: filters.status,
    }
    for column, value in conditions.items():
        if value is not None:
            query = query.where(column == value)
    if filters.recorded_from is not None:
        query = query.where(DecisionRow.recorded_at >= filters.recorded_from)
    if filters.recorded_to is not None:
        query = query.where(DecisionRow.recorded_at < filters.recorded_to)
    return query
