"""Building blocks of a RuleSet shared by the root and its collections."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError

from eligibility.errors import Problem
from eligibility.expressions.typecheck import suggest
from eligibility.model import Check, Derived, Goal, Location, Option, Question, Rule
from eligibility.ruleset_schema import ENTRY_SCHEMAS, NAME_PATTERN
from eligibility.values_io import ConversionError, to_typed
from eligibility.yaml_source import Positions

RESERVED = frozenset(
    {"as_of", "today", "if", "then", "else", "and", "or", "not", "in", "true", "false"}
)
MAX_ENTRIES = 5000


class Problems:
    """Collects problems, placing each at the closest recorded position of its path."""

    def __init__(self, positions: Positions, file: str) -> None:
        self.positions, self.file = positions, file
        self.items: list[Problem] = []

    def add(self, path: str, message: str, suggestion: str | None = None) -> None:
        where = self.locate(path)
        self.items.append(Problem(message, path, where.file, where.line, where.column, suggestion))

    def locate(self, path: str) -> Location:
        probe = path
        while probe:
            if probe in self.positions:
                return self.positions[probe]
            probe = probe.rsplit(".", 1)[0] if "." in probe else ""
        return self.positions.get("", Location(self.file))

    def validation(self, prefix: str, error: ValidationError) -> None:
        for path, message in _flatten(error.messages, prefix):
            text, hint = _split_hint(message)
            self.add(path, text, hint)


def _flatten(messages: Any, prefix: str) -> list[tuple[str, str]]:
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [(prefix, m) for m in messages]
    out: list[tuple[str, str]] = []
    items = messages.items() if isinstance(messages, dict) else enumerate(messages)
    for key, value in items:
        if key == "_schema":
            path = prefix
        elif isinstance(key, int):
            path = f"{prefix}[{key}]"
        else:
            path = f"{prefix}.{key}" if prefix else str(key)
        out.extend(_flatten(value, path))
    return out


def _split_hint(message: str) -> tuple[str, str | None]:
    marker = " (did you mean '"
    if marker in message:
        text, hint = message.split(marker, 1)
        return text, hint.rstrip("')?")
    return message, None


def load(schema: type[Schema], data: Any, path: str, problems: Problems) -> dict[str, Any] | None:
    """Data loaded by a schema, or None with its problems reported."""
    try:
        result: dict[str, Any] = schema().load(data)
        return result
    except ValidationError as error:
        problems.validation(path, error)
        return None


def entries(
    part: str, raw: dict[str, Any], problems: Problems, prefix: str = ""
) -> dict[str, dict[str, Any]]:
    """The entries of one part by id, each checked by its schema (`prefix`: a collection's)."""
    result: dict[str, dict[str, Any]] = {}
    if len(raw) > MAX_ENTRIES:
        problems.add(f"{prefix}{part}", f"more than {MAX_ENTRIES} entries")
        return result
    for entry_id, entry in raw.items():
        path = f"{prefix}{part}.{entry_id}"
        if not isinstance(entry_id, str) or not NAME_PATTERN.match(entry_id):
            problems.add(path, "ids use lower-case letters, digits and _, starting with a letter")
            continue
        if entry_id in RESERVED:
            problems.add(path, f"'{entry_id}' is a reserved word of the rule language")
            continue
        loaded = load(ENTRY_SCHEMAS[part], entry, path, problems)
        if loaded is not None:
            result[entry_id] = loaded
    return result


def question(qid: str, spec: dict[str, Any], problems: Problems, prefix: str = "") -> Question:
    """One question from its loaded entry; bounds converted to the question's type."""
    qtype = spec["type"]
    bound_type = {"integer": "integer", "decimal": "decimal", "date": "date"}.get(qtype)
    bounds: dict[str, Any] = {}
    for key in ("min", "max"):
        if key not in spec:
            continue
        if bound_type is None:
            problems.add(f"{prefix}questions.{qid}.{key}", f"a {qtype} question has no {key}")
            continue
        try:
            bounds[key] = to_typed(spec[key], bound_type)
        except ConversionError as error:
            problems.add(f"{prefix}questions.{qid}.{key}", str(error))
    places = spec.get("decimal_places", 2 if qtype == "decimal" else None)
    return Question(
        id=qid,
        type=qtype,
        label=spec["label"],
        help=spec.get("help", {}),
        options=tuple(Option(str(k), v) for k, v in (spec.get("options") or {}).items()),
        allow_unknown=spec.get("allow_unknown", False),
        min=bounds.get("min"),
        max=bounds.get("max"),
        decimal_places=places,
        max_length=spec.get("max_length", 500 if qtype == "string" else None),
        section=spec.get("section"),
        ask_after=tuple(spec.get("ask_after", ())),
        checks=tuple(Check(c["when"], c["message"]) for c in spec.get("checks", ())),
        currency=spec.get("currency"),
    )


def convert(value: Any, vtype: str, path: str, problems: Problems) -> Any:
    """A value converted to a type, or None with the problem reported."""
    try:
        return to_typed(value, vtype)
    except ConversionError as error:
        problems.add(path, str(error))
        return None


def rule(rid: str, spec: dict[str, Any]) -> Rule:
    """One rule from its loaded entry."""
    explanation = spec.get("explanation") or {}
    return Rule(
        id=rid,
        condition=spec["when"],
        legal_reference=spec["legal_reference"],
        title=spec.get("title", {}),
        explanation_true=explanation.get("true", {}),
        explanation_false=explanation.get("false", {}),
        why=spec.get("why", {}),
    )


def derived(did: str, spec: dict[str, Any]) -> Derived:
    """One derived value from its loaded entry."""
    return Derived(did, spec["value"], spec.get("type"), spec.get("description", {}))


def goal(gid: str, spec: dict[str, Any]) -> Goal:
    """One goal from its loaded entry."""
    return Goal(
        gid,
        spec["type"],
        spec["value"],
        spec.get("label", {}),
        spec.get("description", {}),
        spec.get("legal_reference"),
        spec.get("why", {}),
        spec.get("currency"),
        spec.get("decimal_places"),
    )


def check_questions(
    questions: tuple[Question, ...],
    sections: set[str],
    problems: Problems,
    prefix: str = "",
) -> None:
    """Sections, ask_after and bounds of the questions of one part of the rule set."""
    ids = {q.id for q in questions}
    for q in questions:
        if q.section is not None and q.section not in sections:
            problems.add(
                f"{prefix}questions.{q.id}.section",
                f"unknown section '{q.section}'",
                suggest(q.section, sections),
            )
        for other in q.ask_after:
            if other not in ids:
                problems.add(
                    f"{prefix}questions.{q.id}.ask_after",
                    f"unknown question '{other}'",
                    suggest(other, ids),
                )
        if q.min is not None and q.max is not None and q.min > q.max:  # type: ignore[operator]
            problems.add(f"{prefix}questions.{q.id}.max", "max is smaller than min")
