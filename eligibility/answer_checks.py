"""Checks between answers (a question's `checks`): compiled once, run on every evaluation.

A check is a condition over answers that a true set of answers always meets; answers that
make it definitely false cannot all be true and are refused (422), naming every question the
check reads (directly or through derived values), because any of them may be the wrong one.
UNKNOWN is never refused: a check refuses only what is certainly false (three-valued).

Checks, and only checks, may read `today`: the day the claim is made (the day of the request
in the earliest time zone, UTC+14, so no claimant anywhere has a today later than it). An
outcome never depends on it, so a recorded decision replays the same on any later day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from eligibility.errors import ExpressionError
from eligibility.expressions import nodes as n
from eligibility.expressions.interpreter import Evaluator, compile_expression
from eligibility.expressions.parser import parse
from eligibility.expressions.scopes import EntityScope, resolve
from eligibility.expressions.typecheck import Scope, typecheck
from eligibility.expressions.types import Type, describe
from eligibility.model import RuleSet, Table

TODAY = "today"
EARLIEST_ZONE = dt.timezone(dt.timedelta(hours=14))

Report = Callable[..., None]


@dataclass(frozen=True)
class CompiledCheck:
    """A compiled check of one question's answer against other answers."""

    question: str
    index: int
    evaluate: Evaluator
    reads: tuple[str, ...]
    concerns: tuple[str, ...] = ()  # the questions refused with it: its own, then those read
    # In an instance, the enclosing entities' questions it reads: (levels up, question id)
    above: tuple[tuple[int, str], ...] = ()
    # The typed condition (a root question's check): the generated program writes it too.
    node: n.Node | None = field(default=None, compare=False, repr=False)


def today() -> dt.date:
    """The day a claim made now is made on (the calendar day of UTC+14)."""
    return dt.datetime.now(EARLIEST_ZONE).date()


def compile_checks(
    ruleset: RuleSet,
    types: Mapping[str, Type],
    options: Mapping[str, tuple[str, ...]],
    tables: Mapping[str, Table],
    asts: Mapping[str, n.Node],
    report: Report,
    root: tuple[EntityScope, Scope] | None = None,
) -> tuple[CompiledCheck, ...]:
    """Every question's checks, type-checked as conditions; problems go to `report`.

    With `root` (the root entity of a version with collections), a check may read its
    collections through aggregates: `count(employees) <= headcount`.
    """
    entity = dataclasses.replace(root[0], names=root[0].names | {TODAY}) if root else None
    collections = root[1].collections if root else {}
    scope = Scope({**types, TODAY: "date"}, options, collections)
    compiled: list[CompiledCheck] = []
    for q in ruleset.questions:
        for index, check in enumerate(q.checks):
            path = f"questions.{q.id}.checks[{index}]"
            try:
                ast = parse(check.condition)
                ast = resolve(ast, entity) if entity is not None else ast
                found = typecheck(ast, scope)
            except ExpressionError as error:
                report(f"{path}.when", error.message, error.suggestion, error)
                continue
            if found != "boolean":
                report(
                    f"{path}.when", f"a check must be a condition (yes/no), got {describe(found)}"
                )
                continue
            reads = tuple(n.names(ast))
            concerns = _questions_read(q.id, reads, set(ruleset.question_ids), asts)
            concerns += _collections_read(ast)
            evaluator = compile_expression(ast, tables)
            compiled.append(CompiledCheck(q.id, index, evaluator, reads, concerns, node=ast))
    return tuple(compiled)


def _collections_read(ast: n.Node) -> tuple[str, ...]:
    """The collections a check counts or sums over: the list itself may be the wrong answer."""
    found = {node.collection: None for node in n.walk(ast) if isinstance(node, n.Aggregate)}
    return tuple(found)


def _questions_read(
    own: str, reads: Iterable[str], questions: set[str], asts: Mapping[str, n.Node]
) -> tuple[str, ...]:
    """The check's question, then every question it reads, through derived values too."""
    found: dict[str, None] = {own: None}
    seen: set[str] = set()
    pending = list(reads)
    while pending:
        name = pending.pop(0)
        if name in seen:
            continue
        seen.add(name)
        if name in questions:
            found.setdefault(name, None)
        elif name in asts:
            pending.extend(n.names(asts[name]))
    return tuple(found)
