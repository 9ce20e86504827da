"""The collections of a rule set (children, employees): built and cross-checked like the root."""

from __future__ import annotations

from typing import Any

from eligibility.builder_entries import (
    Problems,
    check_questions,
    derived,
    entries,
    goal,
    load,
    question,
    rule,
)
from eligibility.expressions.typecheck import suggest
from eligibility.model import Collection, Question, RuleSet
from eligibility.ruleset_schema import NAME_PATTERN, CollectionSchema

MAX_NESTING = 3  # collections under collections (members → jobs → …), as authors need at most
_PARTS = ("questions", "derived", "rules", "goals")


def build_collections(
    raw: dict[str, Any], problems: Problems, prefix: str = "", depth: int = 1
) -> tuple[Collection, ...]:
    """The collections declared under `prefix` (the root's when empty), nested ones included."""
    found: list[Collection] = []
    for cid, spec in raw.items():
        path = f"{prefix}collections.{cid}"
        if not isinstance(cid, str) or not NAME_PATTERN.match(cid):
            problems.add(path, "ids use lower-case letters, digits and _, starting with a letter")
            continue
        if depth > MAX_NESTING:
            problems.add(path, f"collections are nested at most {MAX_NESTING} levels deep")
            continue
        top = load(CollectionSchema, spec, path, problems)
        if top is not None:
            found.append(_collection(cid, top, problems, f"{path}.", depth))
    return tuple(found)


def _collection(
    cid: str, top: dict[str, Any], problems: Problems, prefix: str, depth: int
) -> Collection:
    parts = {p: entries(p, top.get(p) or {}, problems, prefix) for p in _PARTS}
    return Collection(
        id=cid,
        entity=top.get("entity", cid),
        completeness_question=top["completeness_question"],
        questions=tuple(question(k, v, problems, prefix) for k, v in parts["questions"].items()),
        derived=tuple(derived(k, v) for k, v in parts["derived"].items()),
        rules=tuple(rule(k, v) for k, v in parts["rules"].items()),
        goals=tuple(goal(k, v) for k, v in parts["goals"].items()),
        item_label=top.get("item_label", {}),
        add_label=top.get("add_label", {}),
        title=top.get("title", {}),
        min=top.get("min", 0),
        max=top.get("max", 1000),
        completeness=top.get("completeness", "ask_another"),
        order=top.get("order", "instance_first"),
        collections=build_collections(top.get("collections") or {}, problems, prefix, depth + 1),
    )


def check_collections(ruleset: RuleSet, problems: Problems) -> None:
    """Unique names per entity, completeness questions of the right type, distinct entities."""
    entities = {ruleset.entity} if ruleset.entity else set()
    _check_level(ruleset.questions, _names_of(ruleset), ruleset.collections, "", problems, entities)


def _names_of(scope: RuleSet | Collection) -> set[str]:
    parts = (scope.questions, scope.derived, scope.rules, scope.goals)
    return {item.id for part in parts for item in part}


def _check_level(
    questions: tuple[Question, ...],
    names: set[str],
    collections: tuple[Collection, ...],
    prefix: str,
    problems: Problems,
    entities: set[str],
) -> None:
    for c in collections:
        path = f"{prefix}collections.{c.id}"
        if c.id in names:
            problems.add(path, f"'{c.id}' is already the name of a value of its parent")
        if c.entity in entities:
            problems.add(f"{path}.entity", f"the entity name '{c.entity}' is already used")
        _check_completeness(c, questions, path, problems)
        _check_unique(c, f"{path}.", problems)
        check_questions(c.questions, set(), problems, f"{path}.")
        nested = entities | {c.entity}
        _check_level(c.questions, _names_of(c), c.collections, f"{path}.", problems, nested)


def _check_completeness(
    c: Collection, questions: tuple[Question, ...], path: str, problems: Problems
) -> None:
    wanted = "boolean" if c.completeness == "ask_another" else "integer"
    article = "a yes/no (boolean)" if wanted == "boolean" else "an integer"
    found = next((q for q in questions if q.id == c.completeness_question), None)
    if found is None:
        problems.add(
            f"{path}.completeness_question",
            f"unknown question '{c.completeness_question}' (it is a question of the parent: "
            f"a {wanted} question for {c.completeness})",
            suggest(c.completeness_question, [q.id for q in questions]),
        )
    elif found.type != wanted:
        problems.add(
            f"{path}.completeness_question",
            f"'{found.id}' is a {found.type} question; {c.completeness} needs {article} one",
        )


def _check_unique(c: Collection, prefix: str, problems: Problems) -> None:
    seen: dict[str, str] = {}
    for part in _PARTS:
        for item in getattr(c, part):
            if item.id in seen:
                problems.add(
                    f"{prefix}{part}.{item.id}",
                    f"'{item.id}' is already defined in {seen[item.id]}",
                )
            seen.setdefault(item.id, part)
