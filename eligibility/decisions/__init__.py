"""Decisions: the sealed record (`record`), chain verification (`chain`) and replay (`replay`)."""

from __future__ import annotations

from eligibility.decisions.chain import (
    BrokenRecord,
    ChainHead,
    ChainVerification,
    check_record,
    verify_chain,
)
from eligibility.decisions.record import (
    CONTENT_FIELDS,
    GENESIS,
    OUTCOME_PARTS,
    Decision,
    DecisionDraft,
    outcome_of,
)
from eligibility.decisions.replay import Difference, ReplayResult, differences, replay

__all__ = [
    "CONTENT_FIELDS",
    "GENESIS",
    "OUTCOME_PARTS",
    "BrokenRecord",
    "ChainHead",
    "ChainVerification",
    "Decision",
    "DecisionDraft",
    "Difference",
    "ReplayResult",
    "check_record",
    "differences",
    "outcome_of",
    "replay",
    "verify_chain",
]
