"""Hypothesis strategies: random valid rule sets, and answer sets (complete or partial) for any.

A generated rule set has questions of every type, parameters (a constant, a table by number
with `each_additional` and a default, a table by option, a nested table), derived values,
rules built from and/or/not/if, comparisons, arithmetic, functions and lookups, and two
goals: `eligible` and a decimal `amount`. Expressions only divide by non-zero literals and
every table has a default, so no evaluation fails: goals are decided or undecided, never errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from eligibility import CompiledRuleSet, compiled, document_from_data, load_document
from eligibility.expressions import nodes as n
from eligibility.model import Question, Table

QUESTION_TYPES = ("boolean", "integer", "decimal", "string", "enum", "date")
OPTIONS = ("A", "B", "C")
WORDS = ("a", "b", "c")
FIRST_DAY = dt.date(2020, 1, 1)
LAST_DAY = dt.date(2020, 12, 31)
COMPARE = ("<", "<=", ">", ">=", "=", "!=")


@dataclass
class Scope:
    """Names an expression may use, by the kind of value they hold."""

    boolean: list[str] = field(default_factory=list)
    number: list[str] = field(default_factory=list)
    date: list[str] = field(default_factory=lambda: ["as_of"])
    string: list[str] = field(default_factory=list)
    enum: list[str] = field(default_factory=list)
    by_number: list[str] = field(default_factory=list)  # tables keyed by a number
    by_option: list[str] = field(default_factory=list)  # tables keyed by an enum option
    nested: list[str] = field(default_factory=list)  # tables by option of tables by number

    def copy(self) -> Scope:
        """An independent copy (later definitions see more names)."""
        return Scope(*(list(getattr(self, f)) for f in self.__dataclass_fields__))


def _pick(draw: st.DrawFn, names: list[str]) -> str | None:
    return draw(st.sampled_from(names)) if names else None


@st.composite
def number(draw: st.DrawFn, scope: Scope, depth: int) -> str:
    """A numeric expression (integer or decimal)."""
    leaves = [st.integers(0, 20).map(str), st.sampled_from(["0.5", "1.25", "10.00", "99.99"])]
    if scope.number:
        leaves = [st.sampled_from(scope.number)] * 4 + leaves
    if depth <= 0:
        return draw(st.one_of(leaves))
    kind = draw(st.sampled_from(["leaf", "arith", "divide", "call", "if", "table", "date"]))
    sub = number(scope, depth - 1)
    if kind == "arith":
        return f"({draw(sub)} {draw(st.sampled_from('+-*'))} {draw(sub)})"
    if kind == "divide":
        return f"({draw(sub)} / {draw(st.sampled_from(['2', '3', '0.5', '12']))})"
    if kind == "call":
        func = draw(st.sampled_from(["min", "max", "abs", "round", "floor", "ceil", "rhu"]))
        if func in ("min", "max"):
            return f"{func}({draw(sub)}, {draw(sub)})"
        if func == "abs":
            return f"abs({draw(sub)})"
        places = draw(st.sampled_from(["", ", 1", ", 2"]))
        name = "round_half_up" if func == "rhu" else func
        return f"{name}({draw(sub)}{places})"
    if kind == "if":
        return f"(if {draw(boolean(scope, depth - 1))} then {draw(sub)} else {draw(sub)})"
    if kind == "table" and (scope.by_number or scope.by_option or scope.nested):
        return draw(lookup(scope, depth - 1))
    if kind == "date":
        a, b = draw(date(scope)), draw(date(scope))
        func = draw(st.sampled_from(["year", "month", "day", "months_between", "days_between"]))
        return f"{func}({a}, {b})" if func.endswith("between") else f"{func}({a})"
    return draw(st.one_of(leaves))


@st.composite
def lookup(draw: st.DrawFn, scope: Scope, depth: int) -> str:
    """A table lookup: by a number, by an option, or nested."""
    choices = []
    if scope.by_number:
        choices.append("number")
    if scope.by_option and scope.enum:
        choices.append("option")
    if scope.nested and scope.enum:
        choices.append("nested")
    if not choices:
        return "1"
    kind = draw(st.sampled_from(choices))
    if kind == "number":
        return f"{_pick(draw, scope.by_number)}[{draw(integer_key(scope, depth))}]"
    option = draw(option_key(scope))
    if kind == "option":
        return f"{_pick(draw, scope.by_option)}[{option}]"
    return f"{_pick(draw, scope.nested)}[{option}][{draw(integer_key(scope, depth))}]"


@st.composite
def integer_key(draw: st.DrawFn, scope: Scope, depth: int) -> str:
    """An integer-valued key: a literal, an integer question, or a rounded amount."""
    choices = [st.integers(0, 6).map(str)]
    integers = [q for q in scope.number if q.startswith("q_int")]
    if integers:
        choices.append(st.sampled_from(integers))
    if depth > 0:
        choices.append(number(scope, depth - 1).map(lambda e: f"round({e})"))
    return draw(st.one_of(choices))


@st.composite
def option_key(draw: st.DrawFn, scope: Scope) -> str:
    """An enum-valued key: an enum question, or a literal option."""
    choices = [st.sampled_from([f'"{o}"' for o in OPTIONS])]
    if scope.enum:
        choices.append(st.sampled_from(scope.enum))
    return draw(st.one_of(choices))


@st.composite
def date(draw: st.DrawFn, scope: Scope) -> str:
    """A date expression."""
    kind = draw(st.sampled_from(["name", "literal", "start_of_month", "min"]))
    name = draw(st.sampled_from(scope.date))
    if kind == "literal":
        day = draw(st.dates(FIRST_DAY, LAST_DAY))
        return f'date("{day.isoformat()}")'
    if kind == "start_of_month":
        return f"start_of_month({name})"
    if kind == "min":
        return f"min({name}, {draw(st.sampled_from(scope.date))})"
    return name


@st.composite
def boolean(draw: st.DrawFn, scope: Scope, depth: int) -> str:
    """A boolean expression."""
    leaves: list[st.SearchStrategy[str]] = [st.sampled_from(["true", "false"])]
    if scope.boolean:
        leaves = [st.sampled_from(scope.boolean)] * 3 + leaves
    kinds = ["leaf", "compare", "date", "enum", "string", "not", "and", "or", "if"]
    kind = draw(st.sampled_from(kinds if depth > 0 else kinds[:5]))
    sub = boolean(scope, depth - 1)
    if kind == "compare":
        low = max(depth - 1, 0)
        op = draw(st.sampled_from(COMPARE))
        left = _pick(draw, scope.number) or draw(number(scope, low))
        return f"{left} {op} {draw(number(scope, low))}"
    if kind == "date":
        return f"{draw(date(scope))} {draw(st.sampled_from(COMPARE))} {draw(date(scope))}"
    if kind == "enum" and scope.enum:
        name = _pick(draw, scope.enum)
        picked = draw(st.lists(st.sampled_from(OPTIONS), min_size=1, max_size=2, unique=True))
        if len(picked) == 1 and draw(st.booleans()):
            return f'{name} {draw(st.sampled_from(["=", "!="]))} "{picked[0]}"'
        negated = draw(st.sampled_from(["in", "not in"]))
        return f"{name} {negated} [{', '.join(f'{chr(34)}{o}{chr(34)}' for o in picked)}]"
    if kind == "string" and scope.string:
        return f'{_pick(draw, scope.string)} = "{draw(st.sampled_from(WORDS))}"'
    if kind == "not":
        return f"not ({draw(sub)})"
    if kind in ("and", "or"):
        parts = draw(st.lists(sub, min_size=2, max_size=3))
        return f" {kind} ".join(f"({p})" for p in parts)
    if kind == "if":
        return f"(if {draw(sub)} then ({draw(sub)}) else ({draw(sub)}))"
    return draw(st.one_of(leaves))


@st.composite
def combination(draw: st.DrawFn, names: list[str], depth: int) -> str:
    """A boolean combination of named conditions with and/or/not/if."""
    kind = draw(st.sampled_from(["name", "not", "and", "or", "if"] if depth > 0 else ["name"]))
    sub = combination(names, depth - 1)
    if kind == "not":
        return f"not ({draw(sub)})"
    if kind in ("and", "or"):
        parts = draw(st.lists(sub, min_size=2, max_size=3))
        return f" {kind} ".join(f"({p})" for p in parts)
    if kind == "if":
        return f"(if {draw(sub)} then ({draw(sub)}) else ({draw(sub)}))"
    return draw(st.sampled_from(names))


def _question(qid: str, qtype: str, allow_unknown: bool) -> dict[str, Any]:
    spec: dict[str, Any] = {"type": qtype, "label": {"en": f"{qid}?", "de": f"{qid}?"}}
    if qtype == "integer":
        spec.update(min=0, max=8)
    elif qtype == "decimal":
        spec.update(min=0, max=Decimal("120.00"), decimal_places=2)
    elif qtype == "enum":
        spec["options"] = {o: {"en": f"Option {o}"} for o in OPTIONS}
    elif qtype == "string":
        spec["max_length"] = 10
    elif qtype == "date":
        spec.update(min=FIRST_DAY, max=LAST_DAY)
    if allow_unknown:
        spec["allow_unknown"] = True
    return spec


@st.composite
def question_specs(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    """Two to seven questions; the first few cover the types in turn."""
    count = draw(st.integers(2, 7))
    offset = draw(st.integers(0, len(QUESTION_TYPES) - 1))
    questions: dict[str, dict[str, Any]] = {}
    for i in range(count):
        qtype = QUESTION_TYPES[(offset + i) % len(QUESTION_TYPES)]
        if i >= len(QUESTION_TYPES) or draw(st.integers(0, 4)) == 0:
            qtype = draw(st.sampled_from(QUESTION_TYPES))
        qid = f"q_{qtype[:3]}_{i}"
        questions[qid] = _question(qid, qtype, draw(st.integers(0, 3)) == 0)
    return questions


PARAMETERS: dict[str, Any] = {
    "limit": {"value": Decimal("50.00"), "legal_reference": "§ 1"},
    "fee": {
        "type": "decimal",
        "table": {1: Decimal("40"), 2: Decimal("35"), 3: Decimal("30")},
        "each_additional": Decimal("-5"),
        "default": Decimal("45"),
        "legal_reference": "§ 2",
    },
    "rate": {
        "table": {"A": Decimal("0.10"), "B": Decimal("0.25")},
        "default": Decimal("0.50"),
        "legal_reference": "§ 3",
    },
    "allowance": {
        "type": "integer",
        "table": {"A": {1: 100, 2: 150}, "B": {1: 200}, "C": {3: 50}},
        "default": 10,
        "legal_reference": "§ 4",
    },
}


def _scope(questions: dict[str, dict[str, Any]]) -> Scope:
    scope = Scope(number=["limit"], by_number=["fee"], by_option=["rate"], nested=["allowance"])
    for qid, spec in questions.items():
        kind = {"integer": "number", "decimal": "number"}.get(spec["type"], spec["type"])
        getattr(scope, kind).append(qid)
    return scope


@st.composite
def ruleset_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid rule-set version as data: questions, parameters, derived values, rules, goals."""
    questions = draw(question_specs())
    scope = _scope(questions)
    derived: dict[str, Any] = {}
    for i in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["number", "boolean", "date"]))
        name = f"d_{kind[:3]}_{i}"
        if kind == "number":
            derived[name] = {"value": draw(number(scope, 2))}
            scope.number.append(name)
        elif kind == "boolean":
            derived[name] = {"value": draw(boolean(scope, 2)), "type": "boolean"}
            scope.boolean.append(name)
        else:
            derived[name] = {"value": draw(date(scope))}
            scope.date.append(name)
    rules: dict[str, Any] = {}
    for i in range(draw(st.integers(1, 5))):
        name = f"r_{i}"
        rules[name] = {
            "when": draw(boolean(scope, 2)),
            "legal_reference": f"Act § {i + 1}",
            "explanation": {"true": {"en": f"{name} holds"}, "false": {"en": f"{name} fails"}},
        }
        scope.boolean.append(name)
    eligible = draw(combination(list(rules), draw(st.integers(1, 3))))
    goal_scope = scope.copy()
    goal_scope.boolean.append("eligible")
    amount = draw(number(goal_scope, 2))
    if draw(st.booleans()):
        amount = f"if eligible then {amount} else 0"
    return {
        "ruleset": "generated",
        "version": "1",
        "status": "published",
        "effective_from": FIRST_DAY,
        "title": {"en": "Generated"},
        "questions": questions,
        "parameters": PARAMETERS,
        "derived": derived,
        "rules": rules,
        "goals": {
            "eligible": {"type": "boolean", "value": eligible, "label": {"en": "Eligible"}},
            "amount": {"type": "decimal", "value": amount, "label": {"en": "Amount"}},
        },
    }


def compile_document(data: dict[str, Any]) -> CompiledRuleSet:
    """A document given as data, loaded and compiled the way the service does."""
    return compiled(load_document(document_from_data(data)))


generated_rulesets = ruleset_documents().map(compile_document)


# ---------------------------------------------------------------- answers, for any rule set


def constants(version: CompiledRuleSet) -> list[int | Decimal]:
    """Numbers the rule set compares with (parameters, table rows, literals): good answers."""
    found: list[int | Decimal] = []

    def add(value: object) -> None:
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            found.append(value)

    for value in version.constants.values():
        add(value)
    for table in version.tables.values():
        found.extend(_table_numbers(table))
    for named in version.named.values():
        for node in n.walk(named.node):
            if isinstance(node, n.Literal):
                add(node.value)
    return sorted(set(found))


def _table_numbers(table: Table) -> Iterable[int | Decimal]:
    for key, row in table.rows.items():
        if isinstance(key, int):
            yield key
        if isinstance(row, Table):
            yield from _table_numbers(row)
        elif isinstance(row, int | Decimal) and not isinstance(row, bool):
            yield row


def _bounded(values: list[Any], low: Any, high: Any) -> list[Any]:
    return [v for v in values if (low is None or v >= low) and (high is None or v <= high)]


def _integers(q: Question, near: list[int | Decimal]) -> st.SearchStrategy[Any]:
    low = int(q.min) if q.min is not None else -50  # type: ignore[arg-type]
    high = int(q.max) if q.max is not None else max(low, 0) + 200  # type: ignore[arg-type]
    high = min(high, low + 10_000)
    hints = _bounded(sorted({int(v) + d for v in near for d in (-1, 0, 1)}), low, high)
    plain = st.integers(low, high)
    return st.one_of(plain, st.sampled_from(hints)) if hints else plain


def _decimals(q: Question, near: list[int | Decimal]) -> st.SearchStrategy[Any]:
    places = q.decimal_places if q.decimal_places is not None else 2
    step = Decimal(1).scaleb(-places)
    low = Decimal(q.min) if q.min is not None else Decimal(-500)  # type: ignore[arg-type]
    high = Decimal(q.max) if q.max is not None else low.max(Decimal(0)) + 5000  # type: ignore[arg-type]
    cents = st.integers(int(low / step), int(high / step)).map(lambda c: c * step)
    shifted = {(Decimal(v) + d).quantize(step) for v in near for d in (-step, 0, step)}
    hints = _bounded(sorted(shifted), low, high)
    plain = cents.map(str)
    return st.one_of(plain, st.sampled_from([str(h) for h in hints])) if hints else plain


def _dates(q: Question, around: dt.date) -> st.SearchStrategy[Any]:
    low = q.min if isinstance(q.min, dt.date) else around - dt.timedelta(days=500)
    high = q.max if isinstance(q.max, dt.date) else around + dt.timedelta(days=900)
    return st.dates(low, high).map(dt.date.isoformat)


def _strings(version: CompiledRuleSet) -> list[str]:
    found = {"x"}
    for named in version.named.values():
        for node in n.walk(named.node):
            if isinstance(node, n.Literal) and isinstance(node.value, str):
                found.add(node.value)
    return sorted(found)


def _answers(
    q: Question, near: list[int | Decimal], words: list[str], around: dt.date, dont_know: bool
) -> st.SearchStrategy[Any]:
    known: st.SearchStrategy[Any]
    if q.type == "boolean":
        known = st.booleans()
    elif q.type == "enum":
        known = st.sampled_from(q.option_values)
    elif q.type == "integer":
        known = _integers(q, near)
    elif q.type == "decimal":
        known = _decimals(q, near)
    elif q.type == "date":
        known = _dates(q, around)
    else:
        known = st.sampled_from(words)
    if q.allow_unknown and dont_know:
        return st.one_of(known, known, known, st.just("unknown"))
    return known


def question_answers(
    version: CompiledRuleSet, *, dont_know: bool = True
) -> dict[str, st.SearchStrategy[Any]]:
    """Valid answers to each question, as a client sends them (decimals and dates as text).

    Numbers are drawn near the figures the rule set compares with; "I don't know" is among
    the answers of questions that allow it, unless `dont_know` is false.
    """
    near, words = constants(version), _strings(version)
    around = version.ruleset.effective_from
    return {
        qid: _answers(q, near, words, around, dont_know) for qid, q in version.questions.items()
    }


@st.composite
def some_of(draw: st.DrawFn, per_question: dict[str, st.SearchStrategy[Any]]) -> dict[str, Any]:
    answers = draw(st.fixed_dictionaries(per_question))
    keep = draw(st.lists(st.sampled_from(sorted(answers)), unique=True)) if answers else []
    return {q: answers[q] for q in keep}


def complete_answers(version: CompiledRuleSet) -> st.SearchStrategy[dict[str, Any]]:
    """An answer to every question."""
    return st.fixed_dictionaries(question_answers(version))


def partial_answers(version: CompiledRuleSet) -> st.SearchStrategy[dict[str, Any]]:
    """Answers to some of the questions (possibly none, possibly all)."""
    return some_of(question_answers(version))


def answer_sets(version: CompiledRuleSet) -> st.SearchStrategy[dict[str, Any]]:
    """Complete or partial answer sets, about half each."""
    per_question = question_answers(version)
    return st.one_of(st.fixed_dictionaries(per_question), some_of(per_question))
