"""Decisions: the sealed record (`record`), chain verification (`chain`) and replay (`replay`)."""

from __future__ import annotations

from eligibility.decisions.chain import (
    BrokenRecord,
    ChainHead,
    ChainVerification,
    beyond_head,
    check_record,
    verify_chain,
)
from eligibility.decisions.changes import GoalChange, RuleChange, goal_value, shown
from eligibility.decisions.record import (
    CHAIN_FIELDS,
    CONTENT_FIELDS,
    DERIVED_COLUMNS,
    GENESIS,
    LATER_FIELDS,
    OUTCOME_PARTS,
    Decision,
    DecisionDraft,
    outcome_of,
)
from eligibility.decisions.replay import Difference, ReplayResult, differences, replay
from eligibility.decisions.sealing import seal

__all__ = [
    "CHAIN_FIELDS",
    "CONTENT_FIELDS",
    "DERIVED_COLUMNS",
    "GENESIS",
    "LATER_FIELDS",
    "OUTCOME_PARTS",
    "BrokenRecord",
    "ChainHead",
    "ChainVerification",
    "Decision",
    "DecisionDraft",
    "Difference",
    "GoalChange",
    "ReplayResult",
    "RuleChange",
    "beyond_head",
    "check_record",
    "differences",
    "goal_value",
    "outcome_of",
    "replay",
    "seal",
    "shown",
    "verify_chain",
]
