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

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from eligibility.answers import parse_answers
from eligibility.compiler import CompiledRuleSet
from eligibility.engine.pure import compute
from eligibility.errors import EligibilityError
from eligibility.expressions import nodes as n
from eligibility.expressions.values import UNKNOWN, Failure, Value
from eligibility.model import Location, Scenario

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
        name = self.path.split(".")[1]
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
    key: str | int  # a name, or id(node) of a sub-expression (kept in the environment)
    values: tuple[str, ...]
    location: Location


def coverage(compiled: CompiledRuleSet) -> Coverage:
    """Which outcomes of the version its scenarios exercise, and which they miss."""
    ruleset = compiled.ruleset
    probes = list(_probes(compiled))
    seen: set[tuple[str | int, str]] = set()
    for scenario in ruleset.scenarios:
        env = _environment(compiled, scenario)
        for probe in probes:
            shown = _shown(env.get(probe.key))
            if shown is not None:
                seen.add((probe.key, shown))
    outcomes = [
        (Outcome(p.kind, p.path, p.expression, v, p.location), (p.key, v))
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


def _environment(compiled: CompiledRuleSet, scenario: Scenario) -> Mapping[Any, Value]:
    if scenario.expect_refused is not None:
        return {}
    try:
        answers = parse_answers(compiled.questions, scenario.answers)
    except EligibilityError:
        return {}
    day: dt.date = scenario.as_of or compiled.ruleset.effective_from
    return compute(compiled, answers.values, day)


def _shown(value: Value | None) -> str | None:
    if value is True or value is False:
        return str(value).lower()
    if value is UNKNOWN:
        return "unknown"
    if value is None or isinstance(value, Failure):
        return None
    return "decided"


def _probes(compiled: CompiledRuleSet) -> Iterator[_Probe]:
    ruleset = compiled.ruleset
    unknowable = _unknowable(compiled)
    for goal in ruleset.goals:
        values = ("true", "false") if goal.type == "boolean" else ("decided",)
        path = f"goals.{goal.id}.value"
        extra = ("unknown",) if goal.id in unknowable else ()
        yield _Probe("goal", path, goal.expression, goal.id, values + extra, _at(compiled, path))
    for rule in ruleset.rules:
        path = f"rules.{rule.id}.when"
        extra = ("unknown",) if rule.id in unknowable else ()
        values = ("true", "false", *extra)
        yield _Probe("rule", path, rule.condition, rule.id, values, _at(compiled, path))
    yield from _branches(compiled, unknowable)


def _branches(compiled: CompiledRuleSet, unknowable: set[str]) -> Iterator[_Probe]:
    """Conditions inside expressions; a name read in several places counts once."""
    keys: set[str | int] = set()
    for kind, key, name in _expressions(compiled):
        path = f"{kind}.{name}.{key}"
        for node in n.walk(compiled.named[name].node):
            for condition in _conditions(node):
                probe_key = condition.name if isinstance(condition, n.Name) else id(condition)
                if probe_key in keys or _is_named_outcome(compiled, condition):
                    continue
                keys.add(probe_key)
                extra = ("unknown",) if unknowable & set(n.names(condition)) else ()
                yield _Probe(
                    "branch",
                    path,
                    unparse(condition),
                    probe_key,
                    ("true", "false", *extra),
                    _at(compiled, path, condition.pos),
                )


def _expressions(compiled: CompiledRuleSet) -> Iterator[tuple[str, str, str]]:
    ruleset = compiled.ruleset
    yield from (("derived", "value", d.id) for d in ruleset.derived)
    yield from (("rules", "when", r.id) for r in ruleset.rules)
    yield from (("goals", "value", g.id) for g in ruleset.goals)


def _conditions(node: n.Node) -> tuple[n.Node, ...]:
    if isinstance(node, n.If):
        return (node.cond,)
    if isinstance(node, n.And | n.Or):
        return node.operands
    return ()


def _is_named_outcome(compiled: CompiledRuleSet, node: n.Node) -> bool:
    """A rule or goal named as a condition is an outcome of its own already."""
    if not isinstance(node, n.Name):
        return False
    named = compiled.named.get(node.name)
    return named is not None and named.kind in ("rule", "goal")


def _unknowable(compiled: CompiledRuleSet) -> set[str]:
    """Names whose value an 'I don't know' answer can leave unknown for good."""
    found = {q.id for q in compiled.ruleset.questions if q.allow_unknown}
    for name in compiled.order:
        if found.intersection(compiled.named[name].reads):
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


def unparse(node: n.Node) -> str:
    """An expression written back in the rule language (parentheses only where needed)."""
    if isinstance(node, n.Literal):
        return _literal(node.value)
    if isinstance(node, n.Name):
        return node.name
    if isinstance(node, n.Negate | n.Not):
        sign = "-" if isinstance(node, n.Negate) else "not "
        return sign + _wrapped(node.operand, node)
    if isinstance(node, n.Arith | n.Compare):
        return f"{_wrapped(node.left, node)} {node.op} {_wrapped(node.right, node)}"
    if isinstance(node, n.In):
        items = ", ".join(unparse(i) for i in node.items)
        return f"{_wrapped(node.needle, node)} {'not in' if node.negated else 'in'} [{items}]"
    if isinstance(node, n.And | n.Or):
        joint = " and " if isinstance(node, n.And) else " or "
        return joint.join(_wrapped(o, node) for o in node.operands)
    if isinstance(node, n.If):
        parts = (unparse(node.cond), unparse(node.then), unparse(node.otherwise))
        return "if {} then {} else {}".format(*parts)
    if isinstance(node, n.Call):
        return f"{node.func}({', '.join(unparse(a) for a in node.args)})"
    if isinstance(node, n.Lookup):
        return f"{unparse(node.target)}[{unparse(node.key)}]"
    return "…"


def _wrapped(child: n.Node, parent: n.Node) -> str:
    text = unparse(child)
    logical = isinstance(child, n.And | n.Or) and type(child) is not type(parent)
    arithmetic = isinstance(child, n.Arith) and isinstance(parent, n.Arith | n.Negate)
    compared = isinstance(child, n.Compare | n.In | n.Not) and not isinstance(
        parent, n.And | n.Or | n.Not
    )
    return f"({text})" if isinstance(child, n.If) or logical or arithmetic or compared else text


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.date):
        return f'date("{value.isoformat()}")'
    return str(value)
