"""Rules-as-code eligibility: versioned rule sets, three-valued evaluation, next questions.

The pipeline, one module per stage:
    loader.load_paths        rule files → RuleSet (validated, `extends` applied)
    catalogue.compiled       RuleSet → CompiledRuleSet (compiled once per content hash)
    Catalogue.resolve        rule set + version or date → the CompiledRuleSet that governs
    evaluation.evaluate      CompiledRuleSet + answers → Evaluation
"""

from __future__ import annotations

from eligibility.catalogue import Catalogue, compiled
from eligibility.compiler import CompiledRuleSet, compile_ruleset
from eligibility.errors import (
    AnswerError,
    EligibilityError,
    EngineError,
    EvaluationError,
    ExpressionError,
    ImmutableVersion,
    Problem,
    RuleSetError,
    RuleSetNotFound,
    VersionNotFound,
)
from eligibility.evaluation import Evaluation, GoalResult, NextQuestion, evaluate
from eligibility.loader import document_from_data, load_document, load_paths
from eligibility.model import RuleSet

__all__ = [
    "AnswerError",
    "Catalogue",
    "CompiledRuleSet",
    "EligibilityError",
    "EngineError",
    "Evaluation",
    "EvaluationError",
    "ExpressionError",
    "GoalResult",
    "ImmutableVersion",
    "NextQuestion",
    "Problem",
    "RuleSet",
    "RuleSetError",
    "RuleSetNotFound",
    "VersionNotFound",
    "compile_ruleset",
    "compiled",
    "document_from_data",
    "evaluate",
    "load_document",
    "load_paths",
]
