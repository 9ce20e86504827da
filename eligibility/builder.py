"""A resolved document → a RuleSet: schema validation, conversions, cross-references."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError

from eligibility.errors import Problem, RuleSetError
from eligibility.expressions.typecheck import suggest
from eligibility.model import (
    Check,
    Derived,
    Goal,
    LegalBasis,
    Location,
    Option,
    Parameter,
    Question,
    Rule,
    RuleSet,
    Scenario,
    Section,
    Table,
    ValueType,
)
from eligibility.ruleset_schema import ENTRY_SCHEMAS, NAME_PATTERN, ScenarioSchema, VersionSchema
from eligibility.values_io import ConversionError, infer_type, to_typed
from eligibility.yaml_source import Positions

RESERVED = frozenset(
    {"as_of", "today", "if", "then", "else", "and", "or", "not", "in", "true", "false"}
)
MAX_ENTRIES = 5000


class _Problems:
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


def _load(schema: type[Schema], data: Any, path: str, problems: _Problems) -> dict[str, Any] | None:
    try:
        result: dict[str, Any] = schema().load(data)
        return result
    except ValidationError as error:
        problems.validation(path, error)
        return None


def build_ruleset(data: dict[str, Any], positions: Positions, file: str) -> RuleSet:
    """Validate a resolved document and build its RuleSet, or raise every problem found."""
    problems = _Problems(positions, file)
    top = _load(VersionSchema, data, "", problems)
    source = data if top is None else top  # entries are checked even when the top level fails
    entries = {part: _entries(part, _part(source, part, dict), problems) for part in ENTRY_SCHEMAS}
    scenarios = [
        _load(ScenarioSchema, s, f"scenarios[{i}]", problems)
        for i, s in enumerate(_part(source, "scenarios", list))
    ]
    if top is None or problems.items:
        raise RuleSetError(problems.items)
    ruleset = _assemble(top, entries, [s for s in scenarios if s], problems, positions, file)
    _check_references(ruleset, problems)
    if problems.items:
        raise RuleSetError(problems.items)
    return ruleset


def _part(source: dict[str, Any], key: str, kind: type[Any]) -> Any:
    """One part of the document if it has the expected shape (else the schema reported it)."""
    value = source.get(key)
    return value if isinstance(value, kind) else kind()


def _entries(part: str, raw: dict[str, Any], problems: _Problems) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    if len(raw) > MAX_ENTRIES:
        problems.add(part, f"more than {MAX_ENTRIES} entries")
        return result
    for entry_id, entry in raw.items():
        path = f"{part}.{entry_id}"
        if not isinstance(entry_id, str) or not NAME_PATTERN.match(entry_id):
            problems.add(path, "ids use lower-case letters, digits and _, starting with a letter")
            continue
        if entry_id in RESERVED:
            problems.add(path, f"'{entry_id}' is a reserved word of the rule language")
            continue
        loaded = _load(ENTRY_SCHEMAS[part], entry, path, problems)
        if loaded is not None:
            result[entry_id] = loaded
    return result


def _assemble(
    top: dict[str, Any],
    entries: dict[str, dict[str, dict[str, Any]]],
    scenarios: list[dict[str, Any]],
    problems: _Problems,
    positions: Positions,
    file: str,
) -> RuleSet:
    return RuleSet(
        id=top["ruleset"],
        version=top["version"],
        effective_from=top["effective_from"],
        effective_to=top.get("effective_to"),
        status=top.get("status", "draft"),
        extends=top.get("extends"),
        title=top["title"],
        description=top.get("description", {}),
        default_locale=top.get("default_locale", "en"),
        legal_basis=tuple(
            LegalBasis(b["reference"], b.get("title", {}), b.get("url"))
            for b in top.get("legal_basis", [])
        ),
        sections=tuple(Section(k, v["title"]) for k, v in entries["sections"].items()),
        questions=tuple(_question(k, v, problems) for k, v in entries["questions"].items()),
        parameters=tuple(_parameter(k, v, problems) for k, v in entries["parameters"].items()),
        derived=tuple(
            Derived(k, v["value"], v.get("type"), v.get("description", {}))
            for k, v in entries["derived"].items()
        ),
        rules=tuple(_rule(k, v) for k, v in entries["rules"].items()),
        goals=tuple(
            Goal(
                k,
                v["type"],
                v["value"],
                v.get("label", {}),
                v.get("description", {}),
                v.get("legal_reference"),
                v.get("why", {}),
                v.get("currency"),
                v.get("decimal_places"),
            )
            for k, v in entries["goals"].items()
        ),
        scenarios=tuple(_scenario(s) for s in scenarios),
        source=file,
        document={k: v for k, v in top.items()},
        positions=positions,
    )


def _question(qid: str, spec: dict[str, Any], problems: _Problems) -> Question:
    qtype = spec["type"]
    bound_type = {"integer": "integer", "decimal": "decimal", "date": "date"}.get(qtype)
    bounds: dict[str, Any] = {}
    for key in ("min", "max"):
        if key not in spec:
            continue
        if bound_type is None:
            problems.add(f"questions.{qid}.{key}", f"a {qtype} question has no {key}")
            continue
        try:
            bounds[key] = to_typed(spec[key], bound_type)
        except ConversionError as error:
            problems.add(f"questions.{qid}.{key}", str(error))
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


def _parameter(pid: str, spec: dict[str, Any], problems: _Problems) -> Parameter:
    path = f"parameters.{pid}"
    declared = spec.get("type")
    if "value" in spec:
        ptype: ValueType = declared or infer_type(spec["value"]) or "string"  # type: ignore[assignment]
        value = _convert(spec["value"], ptype, f"{path}.value", problems)
        return Parameter(
            pid, ptype, value, None, spec.get("legal_reference"), spec.get("description", {})
        )
    ptype = declared or _infer_table_type(spec["table"]) or "string"  # type: ignore[assignment]
    table = _table(spec["table"], ptype, spec, f"{path}.table", problems)
    return Parameter(
        pid, ptype, None, table, spec.get("legal_reference"), spec.get("description", {})
    )


def _infer_table_type(rows: dict[Any, Any]) -> str | None:
    types: set[str | None] = set()
    for value in rows.values():
        types.add(_infer_table_type(value) if isinstance(value, dict) else infer_type(value))
    if types <= {"integer", "decimal"} and "decimal" in types:
        return "decimal"
    return types.pop() if len(types) == 1 else None


def _table(rows: Any, ptype: str, spec: dict[str, Any], path: str, problems: _Problems) -> Table:
    if not isinstance(rows, dict) or not rows:
        problems.add(path, "a table needs at least one row: {key: value}")
        return Table("string", {})
    keys = list(rows)
    integer_keys = all(isinstance(k, int) or (isinstance(k, str) and k.isdigit()) for k in keys)
    converted: dict[int | str, Any] = {}
    for key, value in rows.items():
        row_key: int | str = int(key) if integer_keys else str(key)
        row_path = f"{path}.{key}"
        if isinstance(value, dict):
            inherited = {"default": spec["default"]} if "default" in spec else {}
            converted[row_key] = _table(value, ptype, inherited, row_path, problems)
        else:
            converted[row_key] = _convert(value, ptype, row_path, problems)
    step = spec.get("each_additional")
    if step is not None and not integer_keys:
        problems.add(f"{path}", "each_additional needs a table keyed by numbers")
    step_value = (
        _convert(step, ptype, f"{path}.each_additional", problems) if step is not None else None
    )
    default = spec.get("default")
    default_value = (
        _convert(default, ptype, f"{path}.default", problems) if default is not None else None
    )
    return Table(
        "integer" if integer_keys else "string",
        converted,
        step_value,
        default_value,
    )


def _convert(value: Any, vtype: str, path: str, problems: _Problems) -> Any:
    try:
        return to_typed(value, vtype)
    except ConversionError as error:
        problems.add(path, str(error))
        return None


def _rule(rid: str, spec: dict[str, Any]) -> Rule:
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


def _scenario(spec: dict[str, Any]) -> Scenario:
    expect_next = spec.get("expect_next")
    return Scenario(
        name=spec["name"],
        answers=spec["answers"],
        expect=spec.get("expect") or {},
        as_of=spec.get("as_of"),
        expect_next=tuple(expect_next) if expect_next is not None else None,
        expect_refused=tuple(refused) if (refused := spec.get("expect_refused")) else None,
        today=spec.get("today"),
    )


def _check_references(ruleset: RuleSet, problems: _Problems) -> None:
    seen: dict[str, str] = {}
    for part, items in (
        ("questions", ruleset.questions),
        ("parameters", ruleset.parameters),
        ("derived", ruleset.derived),
        ("rules", ruleset.rules),
        ("goals", ruleset.goals),
    ):
        for item in items:
            if item.id in seen:
                problems.add(
                    f"{part}.{item.id}", f"'{item.id}' is already defined in {seen[item.id]}"
                )
            seen.setdefault(item.id, part)
    _check_questions(ruleset, problems)
    eligible = next((g for g in ruleset.goals if g.id == "eligible"), None)
    if eligible is None or eligible.type != "boolean":
        problems.add("goals", "every rule set has a boolean goal named 'eligible'")


def _check_questions(ruleset: RuleSet, problems: _Problems) -> None:
    sections = {s.id for s in ruleset.sections}
    questions = {q.id for q in ruleset.questions}
    for q in ruleset.questions:
        if q.section is not None and q.section not in sections:
            problems.add(
                f"questions.{q.id}.section",
                f"unknown section '{q.section}'",
                suggest(q.section, sections),
            )
        for other in q.ask_after:
            if other not in questions:
                problems.add(
                    f"questions.{q.id}.ask_after",
                    f"unknown question '{other}'",
                    suggest(other, questions),
                )
        if q.min is not None and q.max is not None and q.min > q.max:  # type: ignore[operator]
            problems.add(f"questions.{q.id}.max", "max is smaller than min")
