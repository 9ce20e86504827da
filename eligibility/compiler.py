"""RuleSet → CompiledRuleSet: parse and type-check every expression, order the rule graph."""

from __future__ import annotations

import heapq
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from eligibility.answer_checks import CompiledCheck, compile_checks
from eligibility.canonical import ruleset_hash
from eligibility.compiled_parts import (
    CompiledCollection,
    Kind,
    Named,
    ScopePath,
    strict_parts,
    walk_keys,
)
from eligibility.entity_compiler import EntityCompilation, compile_closures
from eligibility.errors import ExpressionError, Problem, RuleSetError
from eligibility.expressions import nodes as n
from eligibility.expressions.interpreter import Evaluator, compile_expression
from eligibility.expressions.parser import parse
from eligibility.expressions.typecheck import Scope, suggest, typecheck
from eligibility.expressions.types import TableType, Type, describe
from eligibility.expressions.values import Known
from eligibility.model import Goal, Location, Question, Rule, RuleSet, Section, Table
from eligibility.scenario_checks import check_scenarios

if TYPE_CHECKING:
    from eligibility.relevance import Walk

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
MAX_TOTAL_NODES = 200_000  # bounds the work of one evaluation: every node runs at most once


@dataclass(frozen=True)
class CompiledRuleSet:
    """A version ready to evaluate: every expression checked, the rule graph ordered."""

    ruleset: RuleSet
    content_hash: str
    named: Mapping[str, Named]
    order: tuple[str, ...]
    constants: Mapping[str, Known]
    tables: Mapping[str, Table]
    questions: Mapping[str, Question]
    question_rank: Mapping[str, int]
    checks: tuple[CompiledCheck, ...]
    types: Mapping[str, Type]
    goal_ids: tuple[str, ...]
    closures: Mapping[int, Evaluator] = field(default_factory=dict, compare=False, repr=False)
    # id(node) → (questions, named values) read by a sub-tree without and/or/if/in: such a
    # sub-tree is known exactly when all it reads is, so the relevance walk need not enter it.
    strict_parts: Mapping[int, tuple[tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # Everything the relevance walk reads besides answered-ness: named values and the nodes
    # where it chooses a path (and/or/if/in and their operands). Equal readings, equal walks.
    walk_keys: tuple[int | str, ...] = field(default=(), compare=False, repr=False)
    rules_by_id: Mapping[str, Rule] = field(default_factory=dict, compare=False, repr=False)
    goals_by_id: Mapping[str, Goal] = field(default_factory=dict, compare=False, repr=False)
    # The languages the question labels are written in (the default locale always).
    locales: frozenset[str] = frozenset()
    # Relevance walks by the path a claim takes through the rules (filled by relevance.walk,
    # shared by every copy of this compiled version).
    walks: dict[tuple[Any, ...], Walk] = field(default_factory=dict, compare=False, repr=False)
    # The collections under the root, and the order of evaluation across entities: (the
    # collections down to the entity, name); empty for a version without collections.
    collections: Mapping[str, CompiledCollection] = field(default_factory=dict)
    steps: tuple[tuple[ScopePath, str], ...] = ()

    @property
    def key(self) -> str:
        """The id under which engines register this version: rule set, version and hash."""
        return f"{self.ruleset.id}:{self.ruleset.version}:{self.content_hash[:16]}"


def _table_type(table: Table, value_type: str) -> TableType:
    first = next(iter(table.rows.values()), None)
    inner: Type = _table_type(first, value_type) if isinstance(first, Table) else value_type
    return TableType(table.key_type, inner)


class _Compilation:
    """The state of compiling one rule set: scope, problems and compiled pieces."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.problems: list[Problem] = []
        self.types: dict[str, Type] = {"as_of": "date"}
        self.options: dict[str, tuple[str, ...]] = {}
        self.asts: dict[str, n.Node] = {}
        self.paths: dict[str, str] = {}
        self.tables = {p.id: p.table for p in ruleset.parameters if p.table is not None}
        for q in ruleset.questions:
            self.types[q.id] = q.value_type
            if q.type == "enum":
                self.options[q.id] = q.option_values
        for p in ruleset.parameters:
            self.types[p.id] = _table_type(p.table, p.type) if p.table else p.type

    def problem(
        self,
        path: str,
        message: str,
        suggestion: str | None = None,
        error: ExpressionError | None = None,
    ) -> None:
        where = self._locate(path)
        line, column = where.line, where.column
        if error is not None and line is not None:
            line, column = line + error.line - 1, (column or 1) + error.column - 1
        elif error is not None:  # a document sent as data: say where inside the expression
            message += f" (line {error.line}, column {error.column} of the expression)"
        self.problems.append(
            Problem(message, path, where.file or self.ruleset.source, line, column, suggestion)
        )

    def _locate(self, path: str) -> Location:
        positions = self.ruleset.positions
        probe = path
        while probe and probe not in positions:
            probe = probe.rsplit(".", 1)[0] if "." in probe else ""
        return positions.get(probe, Location(self.ruleset.source))

    def parse_all(self) -> None:
        for kind, items, attr in (
            ("derived", self.ruleset.derived, "expression"),
            ("rules", self.ruleset.rules, "condition"),
            ("goals", self.ruleset.goals, "expression"),
        ):
            key = "when" if kind == "rules" else "value"
            for item in items:
                path = f"{kind}.{item.id}.{key}"
                self.paths[item.id] = path
                try:
                    self.asts[item.id] = parse(getattr(item, attr))
                except ExpressionError as error:
                    self.problem(path, error.message, error.suggestion, error)

    def graph_order(self) -> list[str]:
        """Topological order of named values; cycles are reported as problems."""
        order: list[str] = []
        state: dict[str, int] = {}
        for root in self.asts:
            self._visit(root, state, order)
        return order

    def _visit(self, root: str, state: dict[str, int], order: list[str]) -> None:
        stack: list[tuple[str, list[str]]] = [(root, [])]
        while stack:
            name, trail = stack.pop()
            if name == "":
                order.append(trail[-1])
                state[trail[-1]] = 2
                continue
            if state.get(name) == 2:
                continue
            if state.get(name) == 1:
                cycle = trail[trail.index(name) :] + [name]
                self.problem(self.paths[name], "circular definition: " + " → ".join(cycle))
                continue
            state[name] = 1
            stack.append(("", [*trail, name]))
            for dep in reversed(n.names(self.asts[name])):
                if dep in self.asts and state.get(dep) != 2:
                    stack.append((dep, [*trail, name]))

    def check_types(self, order: list[str]) -> dict[str, Type]:
        declared = self._declared_types()
        for name in order:
            try:
                found = typecheck(self.asts[name], Scope(self.types, self.options))
            except ExpressionError as error:
                self.problem(self.paths[name], error.message, error.suggestion, error)
                self.types[name] = declared.get(name) or "boolean"
                continue
            wanted = declared.get(name)
            if wanted and not _fits(found, wanted):
                self.problem(
                    self.paths[name], f"gives {describe(found)} but must give {describe(wanted)}"
                )
            self.types[name] = wanted or found
        return self.types

    def _declared_types(self) -> dict[str, str]:
        declared: dict[str, str] = {r.id: "boolean" for r in self.ruleset.rules}
        declared.update({g.id: g.type for g in self.ruleset.goals})
        declared.update({d.id: d.type for d in self.ruleset.derived if d.type})
        return declared


def _fits(found: Type, wanted: str) -> bool:
    if wanted == "decimal":
        return found in ("integer", "decimal")
    return found == wanted


def compile_ruleset(ruleset: RuleSet) -> CompiledRuleSet:
    """Compile a RuleSet, or raise RuleSetError listing every problem with its position."""
    job = _Compilation(ruleset)
    job.parse_all()
    entities = EntityCompilation(job) if ruleset.collections else None
    if entities is not None:
        entities.resolve_all()
        steps = entities.order()
        order = [name for path, name in steps if not path]
    else:
        order = job.graph_order()
    if job.problems:
        raise RuleSetError(job.problems)
    if entities is not None:
        entities.check_types(steps)
        entities.check_texts()
        types = job.types
    else:
        types = job.check_types(order)
    total = sum(len(n.walk(a)) for a in job.asts.values())
    if total > MAX_TOTAL_NODES:
        job.problem(
            "rules", f"the rule set has {total} expression parts; at most {MAX_TOTAL_NODES}"
        )
    checks = compile_checks(job.ruleset, job.types, job.options, job.tables, job.asts, job.problem)
    _check_texts(job)
    check_scenarios(job.ruleset, job.problem)
    if job.problems:
        raise RuleSetError(job.problems)
    compiled = _assemble(job, order, types, checks, entities)
    if job.problems:  # the checks of collections' questions are compiled with their entity
        raise RuleSetError(job.problems)
    return replace(compiled, steps=tuple(steps)) if entities is not None else compiled


def _assemble(
    job: _Compilation,
    order: list[str],
    types: dict[str, Type],
    checks: tuple[CompiledCheck, ...],
    entities: EntityCompilation | None = None,
) -> CompiledRuleSet:
    ruleset = job.ruleset
    references = {r.id: r.legal_reference for r in ruleset.rules}
    kinds: dict[str, Kind] = {d.id: "derived" for d in ruleset.derived}
    kinds.update({r.id: "rule" for r in ruleset.rules})
    kinds.update({g.id: "goal" for g in ruleset.goals})
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
    return CompiledRuleSet(
        ruleset=ruleset,
        content_hash=ruleset_hash(ruleset),
        named=named,
        order=tuple(order),
        constants={p.id: p.value for p in ruleset.parameters if p.value is not None},
        tables=job.tables,
        questions={q.id: q for q in ruleset.questions},
        question_rank=_question_rank(ruleset.questions, ruleset.sections),
        checks=checks,
        types=types,
        goal_ids=tuple(g.id for g in ruleset.goals),
        closures=closures,
        strict_parts=parts,
        walk_keys=walk_keys_,
        rules_by_id={r.id: r for r in ruleset.rules},
        goals_by_id={g.id: g for g in ruleset.goals},
        locales=_locales(ruleset),
        collections=(
            entities.collections(
                entities.root,
                entities.order(),
                compile_closures(job.tables, closures, keep),
                lambda qs: _question_rank(qs, ()),
            )
            if entities is not None
            else {}
        ),
    )


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


def _locales(ruleset: RuleSet) -> frozenset[str]:
    """The languages the version's texts are written in, and its default."""
    texts: list[Mapping[str, str]] = [ruleset.title]
    for q in ruleset.questions:
        texts += [q.label, q.help, *(c.message for c in q.checks)]
    for r in ruleset.rules:
        texts += [r.explanation_true, r.explanation_false, r.why]
    texts += [g.label for g in ruleset.goals]
    found = {ruleset.default_locale}
    for text in texts:
        found.update(k for k in text if k != "*")
    return frozenset(found)




def _check_texts(job: _Compilation) -> None:
    texts: list[tuple[str, Any]] = []
    for q in job.ruleset.questions:
        texts += [(f"questions.{q.id}.label", q.label), (f"questions.{q.id}.help", q.help)]
    for r in job.ruleset.rules:
        texts += [
            (f"rules.{r.id}.explanation.true", r.explanation_true),
            (f"rules.{r.id}.explanation.false", r.explanation_false),
        ]
    for path, text in texts:
        for value in (text or {}).values():
            for name in PLACEHOLDER.findall(value):
                if isinstance(job.types.get(name), TableType):
                    job.problem(
                        path,
                        f"the text quotes the table '{{{name}}}'; quote one row "
                        "through a derived value",
                    )
                elif name not in job.types:
                    job.problem(
                        path,
                        f"the text quotes unknown value '{{{name}}}'",
                        suggest(name, job.types),
                    )


def label_references(question: Question) -> set[str]:
    """Names a question's label or help quotes, which must be asked before it."""
    found: set[str] = set()
    for text in (question.label, question.help):
        for value in text.values():
            found.update(PLACEHOLDER.findall(value))
    return found


def _question_rank(
    questions: tuple[Question, ...], sections: tuple[Section, ...]
) -> dict[str, int]:
    """Asking order: sections as listed, file order within, ask_after and quoted answers first."""
    section_index = {s.id: i for i, s in enumerate(sections)}
    base: dict[str, tuple[int, int]] = {}
    current = 0
    for index, q in enumerate(questions):
        current = section_index.get(q.section, current) if q.section else current
        base[q.id] = (current, index)
    ids = set(base)
    before = {q.id: (set(q.ask_after) | label_references(q)) & ids - {q.id} for q in questions}
    waiting = {qid: len(deps) for qid, deps in before.items()}
    ready = [(base[qid], qid) for qid, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    rank: dict[str, int] = {}
    while ready:
        _, qid = heapq.heappop(ready)
        rank[qid] = len(rank)
        for other, deps in before.items():
            if qid in deps:
                waiting[other] -= 1
                if waiting[other] == 0:
                    heapq.heappush(ready, (base[other], other))
    for qid in sorted(ids - set(rank), key=base.__getitem__):  # ask_after in a circle: file order
        rank[qid] = len(rank)
    return rank
