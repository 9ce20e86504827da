"""Scenario coverage: the goals, rules and branches no scenario exercises (for authors).

An *outcome* is a value a part of the rules can take that a scenario should show:
- a goal: true and false (a boolean goal), or decided (any other);
- a rule: true and false;
- a branch, each condition that chooses a path inside an expression (the condition of
  an `if`, each operand of an `and` or `or` that is not itself a rule): true and false.
Unknown is an outcome too where it matters: when the part reads, directly or through
other values, a question that allows "I don't know" (an unknown for good); any other
unknown only means "not answered yet".

A scenario exercises the outcomes of its answers, computed by the pure evaluator (equal
to the engine, DESIGN §5); a scenario whose answers are refused exercises nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from eligibility.compiled_parts import CompiledCollection, Named, ScopePath
from eligibility.compiler import CompiledRuleSet
from eligibility.errors import EligibilityError
from eligibility.explanation import environment
from eligibility.expressions import nodes as n
from eligibility.expressions.aggregates import collection_key
from eligibility.expressions.unparse import unparse
from eligibility.expressions.values import UNKNOWN, Failure, Value
from eligibility.model import Derived, Goal, Location, Question, Rule, Scenario

Env = dict[Any, Any]

KINDS = ("goal", "rule", "branch")


@dataclass(frozen=True)
class Outcome:
    """One outcome of one part of the rules, and where that part is written."""

    kind: str  # goal | rule | branch
    path: str  # rules.is_senior.when, goals.reduction.value
    expression: str  # the condition or value (a branch: its part), as the language writes it
    value: str  # true | false | unknown | decided
    location: Location

    def __str__(self) -> str:
        at = self.location
        where = f"{at.file}:{at.line}:{at.column}: " if at.line is not None else f"{at.file}: "
        return f"{where if at.file else ''}{self.path}: {self.describe()}"

    def describe(self) -> str:
        """What no scenario shows, in the author's words."""
        name = self.path.split(".")[-2]  # rules.X.when, collections.employees.rules.X.when
        part = f"{self.kind} '{name}'" if self.kind != "branch" else f"`{self.expression}`"
        if self.value == "decided":
            return f"no scenario decides {part}"
        if self.value == "unknown":
            return f"no scenario leaves {part} unknown (an 'I don't know' answer can)"
        return f"no scenario makes {part} {self.value}"


@dataclass(frozen=True)
class Coverage:
    """The outcomes of a version and those its scenarios leave unexercised."""

    ruleset: str
    version: str
    scenarios: int
    outcomes: tuple[Outcome, ...]
    missed: tuple[Outcome, ...]

    @property
    def complete(self) -> bool:
        """True when the scenarios exercise every outcome."""
        return not self.missed

    def counts(self, kind: str) -> tuple[int, int]:
        """(exercised, all) outcomes of one kind."""
        total = sum(o.kind == kind for o in self.outcomes)
        return total - sum(o.kind == kind for o in self.missed), total

    def shares(self) -> dict[str, dict[str, int]]:
        """{"goals" | "rules" | "branches": {"exercised": n, "total": m}}, as data."""
        return {
            _plural(kind): dict(zip(("exercised", "total"), self.counts(kind), strict=True))
            for kind in KINDS
        }

    def summary(self) -> str:
        """One line: how much the scenarios exercise, kind by kind."""
        parts = ", ".join(f"{_plural(k)} {'/'.join(map(str, self.counts(k)))}" for k in KINDS)
        done = len(self.outcomes) - len(self.missed)
        return (
            f"{self.ruleset} {self.version}: {self.scenarios} scenario(s) exercise {done} of "
            f"{len(self.outcomes)} outcomes ({parts})"
        )


def _plural(kind: str) -> str:
    return "branches" if kind == "branch" else f"{kind}s"


@dataclass(frozen=True)
class _Probe:
    kind: str
    path: str
    expression: str
    scope: ScopePath  # the entity whose environments hold the value: () is the root
    key: str | int  # a name, or id(node) of a sub-expression (kept in the environment)
    values: tuple[str, ...]
    location: Location


@dataclass(frozen=True)
class _Scope:
    """One kind of entity: the root, or a collection (children, employees), compiled."""

    path: ScopePath
    prefix: str  # where its parts are written: "" or "collections.children."
    named: Mapping[str, Named]
    order: tuple[str, ...]
    questions: tuple[Question, ...]
    derived: tuple[Derived, ...]
    rules: tuple[Rule, ...]
    goals: tuple[Goal, ...]


def coverage(compiled: CompiledRuleSet) -> Coverage:
    """Which outcomes of the version its scenarios exercise, and which they miss."""
    ruleset = compiled.ruleset
    probes = [p for scope in _scopes(compiled) for p in _probes(compiled, scope)]
    seen: set[tuple[ScopePath, str | int, str]] = set()
    for scenario in ruleset.scenarios:
        envs = _environments(compiled, scenario)
        for probe in probes:
            for env in envs.get(probe.scope, ()):
                shown = _shown(env.get(probe.key))
                if shown is not None:
                    seen.add((probe.scope, probe.key, shown))
    outcomes = [
        (Outcome(p.kind, p.path, p.expression, v, p.location), (p.scope, p.key, v))
        for p in probes
        for v in p.values
    ]
    return Coverage(
        ruleset.id,
        ruleset.version,
        len(ruleset.scenarios),
        tuple(o for o, _ in outcomes),
        tuple(o for o, key in outcomes if key not in seen),
    )


def _scopes(compiled: CompiledRuleSet) -> list[_Scope]:
    """The root and every collection, nested ones after their parent."""
    r = compiled.ruleset
    found = [_Scope((), "", compiled.named, compiled.order, r.questions, r.derived, r.rules,
                    r.goals)]  # fmt: skip
    stack = [(c, "") for c in compiled.collections.values()]
    while stack:
        part, above = stack.pop(0)
        c = part.collection
        prefix = f"{above}collections.{c.id}."
        found.append(_Scope(part.path, prefix, part.named, part.order, c.questions, c.derived,
                            c.rules, c.goals))  # fmt: skip
        stack += [(sub, prefix) for sub in part.collections.values()]
    return found


def _environments(compiled: CompiledRuleSet, scenario: Scenario) -> dict[ScopePath, list[Env]]:
    """Every environment of a scenario's claim by entity: the root's and each instance's."""
    if scenario.expect_refused is not None:
        return {}
    try:
        _, env = environment(
            compiled, scenario.answers, scenario.as_of or compiled.ruleset.effective_from
        )
    except EligibilityError:
        return {}
    found: dict[ScopePath, list[Env]] = {(): [env]}
    stack: list[tuple[Env, Mapping[str, CompiledCollection]]] = [(env, compiled.collections)]
    while stack:
        parent, collections = stack.pop()
        for cid, part in collections.items():
            instances = parent.get(collection_key(cid))
            for inner in getattr(instances, "envs", ()):
                found.setdefault(part.path, []).append(inner)
                stack.append((inner, part.collections))
    return found


def _shown(value: Value | None) -> str | None:
    if value is True or value is False:
        return str(value).lower()
    if value is UNKNOWN:
        return "unknown"
    if value is None or isinstance(value, Failure):
        return None
    return "decided"


def _probes(compiled: CompiledRuleSet, scope: _Scope) -> Iterator[_Probe]:
    unknowable = _unknowable(scope)
    for goal in scope.goals:
        values = ("true", "false") if goal.type == "boolean" else ("decided",)
        path = f"{scope.prefix}goals.{goal.id}.value"
        extra = ("unknown",) if goal.id in unknowable else ()
        where = _at(compiled, path)
        yield _Probe("goal", path, goal.expression, scope.path, goal.id, values + extra, where)
    for rule in scope.rules:
        path = f"{scope.prefix}rules.{rule.id}.when"
        values = ("true", "false", *(("unknown",) if rule.id in unknowable else ()))
        where = _at(compiled, path)
        yield _Probe("rule", path, rule.condition, scope.path, rule.id, values, where)
    yield from _branches(compiled, scope, unknowable)


def _branches(compiled: CompiledRuleSet, scope: _Scope, unknowable: set[str]) -> Iterator[_Probe]:
    """Conditions inside expressions; a name read in several places counts once."""
    keys: set[str | int] = set()
    for kind, key, name in _expressions(scope):
        path = f"{scope.prefix}{kind}.{name}.{key}"
        for node in n.walk(scope.named[name].node):
            for condition in _conditions(node):
                probe_key = condition.name if isinstance(condition, n.Name) else id(condition)
                if probe_key in keys or _is_named_outcome(scope, condition):
                    continue
                keys.add(probe_key)
                extra = ("unknown",) if unknowable & set(n.names(condition)) else ()
                yield _Probe(
                    "branch",
                    path,
                    unparse(condition),
                    scope.path,
                    probe_key,
                    ("true", "false", *extra),
                    _at(compiled, path, condition.pos),
                )


def _expressions(scope: _Scope) -> Iterator[tuple[str, str, str]]:
    yield from (("derived", "value", d.id) for d in scope.derived)
    yield from (("rules", "when", r.id) for r in scope.rules)
    yield from (("goals", "value", g.id) for g in scope.goals)


def _conditions(node: n.Node) -> tuple[n.Node, ...]:
    if isinstance(node, n.If):
        return (node.cond,)
    if isinstance(node, n.And | n.Or):
        return node.operands
    return ()


def _is_named_outcome(scope: _Scope, node: n.Node) -> bool:
    """A rule or goal named as a condition is an outcome of its own already."""
    if not isinstance(node, n.Name):
        return False
    named = scope.named.get(node.name)
    return named is not None and named.kind in ("rule", "goal")


def _unknowable(scope: _Scope) -> set[str]:
    """Names whose value an 'I don't know' answer can leave unknown for good."""
    found = {q.id for q in scope.questions if q.allow_unknown}
    for name in scope.order:
        if found.intersection(scope.named[name].reads):
            found.add(name)
    return found


def _at(compiled: CompiledRuleSet, path: str, pos: tuple[int, int] = (1, 1)) -> Location:
    """Where a part is written: its expression's place, moved to the sub-expression."""
    positions = compiled.ruleset.positions
    probe = path
    while probe and probe not in positions:
        probe = probe.rsplit(".", 1)[0] if "." in probe else ""
    where = positions.get(probe, Location(compiled.ruleset.source))
    if where.line is None:
        return where
    return Location(where.file, where.line + pos[0] - 1, (where.column or 1) + pos[1] - 1)
