"""RuleSet → CompiledRuleSet: every expression parsed and type-checked, the rule graph ordered.

The stages, one module each: `compilation` (the root's expressions parsed, ordered and
typed), `entities` (the same across the entities of a version with collections), `texts`
(quoted values and languages), `asking_order`, `assembly` and `entity_assembly` (closures
and the compiled parts), run in order by `pipeline.compile_ruleset`; `compiled` holds the
result, `CompiledRuleSet`.
"""

from __future__ import annotations

from eligibility.compiler.compiled import CompiledRuleSet
from eligibility.compiler.pipeline import MAX_TOTAL_NODES, compile_ruleset
from eligibility.compiler.texts import PLACEHOLDER, label_references

__all__ = [
    "MAX_TOTAL_NODES",
    "PLACEHOLDER",
    "CompiledRuleSet",
    "compile_ruleset",
    "label_references",
]
