"""Collections compiled: each entity's named values, questions and checks as CompiledCollections."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from eligibility.answer_checks import TODAY, CompiledCheck
from eligibility.compiled_parts import CompiledCollection, Named
from eligibility.compiler.entities import EntityCompilation, Step, Unit
from eligibility.errors import ExpressionError
from eligibility.expressions import nodes as n
from eligibility.expressions.interpreter import Evaluator, compile_expression
from eligibility.expressions.parser import parse
from eligibility.expressions.scopes import resolve
from eligibility.expressions.typecheck import typecheck
from eligibility.expressions.types import describe
from eligibility.model import Question, Table


def compiled_collections(
    entities: EntityCompilation,
    unit: Unit,
    order: list[Step],
    compile_node: Callable[[n.Node], Evaluator],
    rank: Callable[[tuple[Question, ...]], dict[str, int]],
) -> dict[str, CompiledCollection]:
    """The compiled collections under one entity (recursively)."""
    compiled: dict[str, CompiledCollection] = {}
    for cid, child in unit.children.items():
        c = child.collection
        assert c is not None
        names = [name for path, name in order if path == child.path]
        references = {r.id: r.legal_reference for r in c.rules}
        named = {
            name: Named(
                name,
                child.kinds[name],
                child.asts[name],
                child.types[name],
                compile_node(child.asts[name]),
                tuple(n.names(child.asts[name])),
                references.get(name),
            )
            for name in names
        }
        compiled[cid] = CompiledCollection(
            collection=c,
            path=child.path,
            named=named,
            order=tuple(names),
            questions={q.id: q for q in c.questions},
            question_rank=rank(c.questions),
            types=dict(child.types),
            collections=compiled_collections(entities, child, order, compile_node, rank),
            rules_by_id={r.id: r for r in c.rules},
            goals_by_id={g.id: g for g in c.goals},
            checks=entity_checks(entities, child, compile_node),
            parents=parent_entities(child),
        )
    return compiled


def entity_checks(
    entities: EntityCompilation, unit: Unit, compile_node: Callable[[n.Node], Evaluator]
) -> tuple[CompiledCheck, ...]:
    """The checks of a collection's questions, resolved and typed in its entity."""
    assert unit.collection is not None and unit.entity is not None and unit.scope is not None
    found: list[CompiledCheck] = []
    questions = {q.id for q in unit.collection.questions}
    # Checks, and only checks, may read `today` (see answer_checks), an instance's as the root's.
    entity = dataclasses.replace(unit.entity, names=unit.entity.names | {TODAY})
    scope = dataclasses.replace(unit.scope, types={**unit.scope.types, TODAY: "date"})
    for q in unit.collection.questions:
        for index, check in enumerate(q.checks):
            path = f"{unit.prefix}questions.{q.id}.checks[{index}].when"
            try:
                ast = resolve(parse(check.condition), entity)
                kind = typecheck(ast, scope)
            except ExpressionError as error:
                entities.job.problem(path, error.message, error.suggestion, error)
                continue
            if kind != "boolean":
                entities.job.problem(
                    path, f"a check must be a condition (yes/no), got {describe(kind)}"
                )
                continue
            reads = tuple(n.names(ast))
            concerns = (q.id, *(r for r in reads if r in questions and r != q.id))
            above = _questions_above(entities, unit, ast)
            found.append(CompiledCheck(q.id, index, compile_node(ast), reads, concerns, above))
    return tuple(found)


def parent_entities(unit: Unit) -> tuple[str, ...]:
    """The names of the entities around a collection's instances, nearest first."""
    assert unit.entity is not None
    return tuple(a.entity or "" for a in unit.entity.ancestors())


def _questions_above(
    entities: EntityCompilation, unit: Unit, ast: n.Node
) -> tuple[tuple[int, str], ...]:
    """The questions of enclosing entities a check reads (`establishment.claim_month`): any of
    them may be the wrong answer, so a refusal names them too."""
    found: dict[tuple[int, str], None] = {}
    for node in n.walk(ast):
        if isinstance(node, n.ParentRef):
            owner = entities.units[unit.path[: len(unit.path) - node.up]]
            if node.name in _question_ids(entities, owner):
                found[(node.up, node.name)] = None
    return tuple(found)


def _question_ids(entities: EntityCompilation, unit: Unit) -> set[str]:
    if unit.collection is None:
        return set(entities.job.ruleset.question_ids)
    return {q.id for q in unit.collection.questions}


def compile_closures(
    tables: dict[str, Table], closures: dict[int, Evaluator], keep: set[int]
) -> Callable[[n.Node], Evaluator]:
    """A compiler of entity expressions sharing one closure table and keep set."""
    return lambda node: compile_expression(node, tables, closures, keep)
