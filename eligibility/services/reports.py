"""A recorded decision as a report: the version it was made under gives the texts."""

from __future__ import annotations

from eligibility.catalogue import compile_cache
from eligibility.catalogue.lookups import recorded_version
from eligibility.ports import Storage
from eligibility.reports import DecisionReport, build_report
from eligibility.services.records import get_decision


def decision_report(store: Storage, decision_id: str) -> DecisionReport:
    """The report of a decision (NotFound), in the language it was made in."""
    decision = get_decision(store, decision_id)
    compiled = compile_cache().stored(recorded_version(store, decision))
    return build_report(decision, compiled)
