"""Answers → Evaluation: goals (decided or not), reasons, next questions, ignored answers, trace.

One module per stage: `inputs` (answers parsed and checked, every value computed, the language
chosen) · `goals` (goal results with reasons) · `questions` (next questions worded) · `trace` ·
`result` (the `Evaluation` and its parts) · `use_case` (`evaluate`, whole or incremental).
"""

from eligibility.engine.select import EngineName
from eligibility.evaluation.inputs import choose_locale, computed
from eligibility.evaluation.result import (
    Evaluation,
    GoalResult,
    NextQuestion,
    Reason,
    TraceStep,
    Why,
)
from eligibility.evaluation.trace import trace
from eligibility.evaluation.use_case import evaluate

__all__ = [
    "EngineName",
    "Evaluation",
    "GoalResult",
    "NextQuestion",
    "Reason",
    "TraceStep",
    "Why",
    "choose_locale",
    "computed",
    "evaluate",
    "trace",
]
