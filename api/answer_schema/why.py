"""Why each question is asked: the rules and goals that read it, with their legal references."""

from __future__ import annotations

from typing import Any

from api.answer_schema.texts import Texts
from eligibility.compiler import CompiledRuleSet
from eligibility.texts import why_asked


def why_by_question(compiled: CompiledRuleSet, texts: Texts) -> dict[str, list[dict[str, Any]]]:
    """For each question, the rules (or goals) that read it, directly or through derived values."""
    found: dict[str, list[dict[str, Any]]] = {}
    for name in [*(r.id for r in compiled.ruleset.rules), *(g.id for g in compiled.ruleset.goals)]:
        reference, text = why_asked(compiled, name, texts.locale)
        why: dict[str, Any] = {"rule": name, "legal_reference": reference, "text": text}
        for question in _questions_read(compiled, name):
            found.setdefault(question, []).append(why)
    return found


def _questions_read(compiled: CompiledRuleSet, name: str) -> list[str]:
    """Questions a rule reads itself or through derived values (other rules have their own why)."""
    seen: set[str] = set()
    found: list[str] = []
    stack = list(compiled.named[name].reads)
    while stack:
        read = stack.pop()
        if read in seen:
            continue
        seen.add(read)
        if read in compiled.questions:
            found.append(read)
        elif read in compiled.named and compiled.named[read].kind == "derived":
            stack.extend(compiled.named[read].reads)
    return sorted(found, key=compiled.question_rank.__getitem__)
