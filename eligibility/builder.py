"""A resolved document → a RuleSet: schema validation, conversions, cross-references."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from eligibility.builder_entries import (
    Problems,
    check_questions,
    convert,
    derived,
    entries,
    goal,
    load,
    question,
    rule,
)
from eligibility.collections_builder import build_collections, check_collections
from eligibility.errors import RuleSetError
from eligibility.expressions.typecheck import suggest
from eligibility.model import (
    DatedBy,
    LegalBasis,
    Parameter,
    RuleSet,
    Scenario,
    Section,
    Table,
    ValueType,
)
from eligibility.ruleset_schema import ENTRY_SCHEMAS, ScenarioSchema, VersionSchema
from eligibility.values_io import infer_type
from eligibility.yaml_source import Positions


def build_ruleset(data: dict[str, Any], positions: Positions, file: str) -> RuleSet:
    """Validate a resolved document and build its RuleSet, or raise every problem found."""
    problems = Problems(positions, file)
    top = load(VersionSchema, data, "", problems)
    source = data if top is None else top  # entries are checked even when the top level fails
    parts = {part: entries(part, _part(source, part, dict), problems) for part in ENTRY_SCHEMAS}
    collections = build_collections(_part(source, "collections", dict), problems)
    scenarios = [
        load(ScenarioSchema, s, f"scenarios[{i}]", problems)
        for i, s in enumerate(_part(source, "scenarios", list))
    ]
    if top is None or problems.items:
        raise RuleSetError(problems.items)
    ruleset = _assemble(top, parts, [s for s in scenarios if s], problems, positions, file)
    ruleset = replace(ruleset, collections=collections)
    _check_references(ruleset, problems)
    if problems.items:
        raise RuleSetError(problems.items)
    return ruleset


def _part(source: dict[str, Any], key: str, kind: type[Any]) -> Any:
    """One part of the document if it has the expected shape (else the schema reported it)."""
    value = source.get(key)
    return value if isinstance(value, kind) else kind()


def _assemble(
    top: dict[str, Any],
    parts: dict[str, dict[str, dict[str, Any]]],
    scenarios: list[dict[str, Any]],
    problems: Problems,
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
        sections=tuple(Section(k, v["title"]) for k, v in parts["sections"].items()),
        questions=tuple(question(k, v, problems) for k, v in parts["questions"].items()),
        parameters=tuple(_parameter(k, v, problems) for k, v in parts["parameters"].items()),
        derived=tuple(derived(k, v) for k, v in parts["derived"].items()),
        rules=tuple(rule(k, v) for k, v in parts["rules"].items()),
        goals=tuple(goal(k, v) for k, v in parts["goals"].items()),
        entity=top.get("entity"),
        scenarios=tuple(_scenario(s) for s in scenarios),
        dated_by=_dated_by(top.get("dated_by")),
        supersedes=top.get("supersedes"),
        correction_reason=top.get("correction_reason", {}),
        source=file,
        document={k: v for k, v in top.items()},
        positions=positions,
    )


def _parameter(pid: str, spec: dict[str, Any], problems: Problems) -> Parameter:
    path = f"parameters.{pid}"
    declared = spec.get("type")
    if "value" in spec:
        ptype: ValueType = declared or infer_type(spec["value"]) or "string"  # type: ignore[assignment]
        value = convert(spec["value"], ptype, f"{path}.value", problems)
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


def _table(rows: Any, ptype: str, spec: dict[str, Any], path: str, problems: Problems) -> Table:
    if not isinstance(rows, dict) or not rows:
        problems.add(path, "a table needs at least one row: {key: value}")
        return Table("string", {})
    keys = list(rows)
    integer_keys = all(isinstance(k, int) or (isinstance(k, str) and k.isdigit()) for k in keys)
    _check_shape(rows, path, problems)
    converted: dict[int | str, Any] = {}
    for key, value in rows.items():
        row_key: int | str = int(key) if integer_keys else str(key)
        row_path = f"{path}.{key}"
        if isinstance(value, dict):
            inherited = {"default": spec["default"]} if "default" in spec else {}
            converted[row_key] = _table(value, ptype, inherited, row_path, problems)
        else:
            converted[row_key] = convert(value, ptype, row_path, problems)
    step = spec.get("each_additional")
    if step is not None and not integer_keys:
        problems.add(f"{path}", "each_additional needs a table keyed by numbers")
    step_value = (
        convert(step, ptype, f"{path}.each_additional", problems) if step is not None else None
    )
    default = spec.get("default")
    default_value = (
        convert(default, ptype, f"{path}.default", problems) if default is not None else None
    )
    return Table(
        "integer" if integer_keys else "string",
        converted,
        step_value,
        default_value,
    )


def _check_shape(rows: dict[Any, Any], path: str, problems: Problems) -> None:
    """Every row of a table holds a value, or every row a table of its own: not both."""
    nested = [k for k, v in rows.items() if isinstance(v, dict)]
    if nested and len(nested) < len(rows):
        flat = next(k for k, v in rows.items() if not isinstance(v, dict))
        problems.add(
            f"{path}.{nested[0]}",
            f"row {nested[0]} holds a table but row {flat} a value: write every row of the "
            "table as a value, or every row as a table of its own",
        )


def _dated_by(spec: str | dict[str, Any] | None) -> DatedBy | None:
    if spec is None:
        return None
    if isinstance(spec, str):
        return DatedBy(spec)
    return DatedBy(spec["question"], spec.get("period", "day"))


def _check_dated_by(ruleset: RuleSet, problems: Problems) -> None:
    """The answer that dates the claim must be a date question of the version."""
    if ruleset.dated_by is None:
        return
    wanted = ruleset.dated_by.question
    question = ruleset.question(wanted)
    if question is None:
        hint = suggest(wanted, ruleset.question_ids)
        problems.add("dated_by", f"no question '{wanted}' dates the claim", hint)
    elif question.type != "date":
        problems.add("dated_by", f"'{wanted}' is not a date question (it is {question.type})")


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


def _check_references(ruleset: RuleSet, problems: Problems) -> None:
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
    check_questions(ruleset.questions, {s.id for s in ruleset.sections}, problems)
    check_collections(ruleset, problems)
    _check_dated_by(ruleset, problems)
    eligible = next((g for g in ruleset.goals if g.id == "eligible"), None)
    if eligible is None or eligible.type != "boolean":
        problems.add("goals", "every rule set has a boolean goal named 'eligible'")
