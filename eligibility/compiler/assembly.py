"""The last stage: a checked compilation assembled into a CompiledRuleSet with its closures."""

from __future__ import annotations

from typing import Any

from eligibility.answer_checks import CompiledCheck
from eligibility.canonical import ruleset_hash
from eligibility.compiled_parts import Named, strict_parts, walk_keys
from eligibility.compiler.asking_order import question_rank
from eligibility.compiler.compilation import Compilation
from eligibility.compiler.compiled import CompiledRuleSet
from eligibility.compiler.entities import EntityCompilation
from eligibility.compiler.entity_assembly import compile_closures, compiled_collections
from eligibility.compiler.named_values import declared_kinds
from eligibility.compiler.texts import declared_money, locales
from eligibility.expressions import nodes as n
from eligibility.expressions.interpreter import Evaluator, compile_expression
from eligibility.expressions.types import Type


def assemble(
    job: Compilation,
    order: list[str],
    types: dict[str, Type],
    checks: tuple[CompiledCheck, ...],
    entities: EntityCompilation | None = None,
) -> CompiledRuleSet:
    """The CompiledRuleSet of a compilation without problems: closures, walk keys, ranks."""
    ruleset = job.ruleset
    references = {r.id: r.legal_reference for r in ruleset.rules}
    _, kinds = declared_kinds(ruleset)
    closures: dict[int, Evaluator] = {}
    parts = strict_parts(job.asts.values(), set(ruleset.question_ids), set(job.asts))
    walk_keys_ = walk_keys(job.asts.values(), parts, order)
    keep = {key for key in walk_keys_ if isinstance(key, int)}
    if entities is not None:
        keep |= _entity_keep(entities, parts)
    named = {
        name: Named(
            name,
            kinds[name],
            job.asts[name],
            types[name],
            compile_expression(job.asts[name], job.tables, closures, keep),
            tuple(n.names(job.asts[name])),
            references.get(name),
        )
        for name in order
    }
    compiled = CompiledRuleSet(
        ruleset=ruleset,
        content_hash=ruleset_hash(ruleset),
        named=named,
        order=tuple(order),
        constants={p.id: p.value for p in ruleset.parameters if p.value is not None},
        tables=job.tables,
        questions={q.id: q for q in ruleset.questions},
        question_rank=question_rank(ruleset.questions, ruleset.sections),
        checks=checks,
        types=types,
        goal_ids=tuple(g.id for g in ruleset.goals),
        closures=closures,
        strict_parts=parts,
        walk_keys=walk_keys_,
        rules_by_id={r.id: r for r in ruleset.rules},
        goals_by_id={g.id: g for g in ruleset.goals},
        locales=locales(ruleset),
        money=declared_money(ruleset),
        collections=(
            compiled_collections(
                entities,
                entities.root,
                entities.order(),
                compile_closures(job.tables, closures, keep),
                lambda qs: question_rank(qs, ()),
            )
            if entities is not None
            else {}
        ),
    )
    compiled.answer_parser  # noqa: B018 (made now, not by the first evaluation)
    return compiled


def _entity_keep(entities: EntityCompilation, parts: dict[int, Any]) -> set[int]:
    """Nodes of every entity whose values the relevance walk reads (strict parts noted too)."""
    keep: set[int] = set()
    for path, unit in entities.units.items():
        if not path:
            continue
        asts = entities.all_asts(path)
        questions = {q.id for q in unit.collection.questions} if unit.collection else set()
        own = strict_parts(asts, questions, set(unit.asts))
        parts.update(own)
        keep.update(k for k in walk_keys(asts, own, list(unit.asts)) if isinstance(k, int))
    return keep
