"""The version's texts: the values they quote checked, the languages they are written in."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from eligibility.compiler.compilation import Compilation
from eligibility.compiler.entities import EntityCompilation, Unit
from eligibility.errors import ExpressionError
from eligibility.expressions import nodes as n
from eligibility.expressions.scopes import resolve
from eligibility.expressions.typecheck import suggest
from eligibility.expressions.types import TableType
from eligibility.model import Goal, Question, RuleSet
from eligibility.money import Money, amounts

# `{name}`, or in a collection's texts a value of an enclosing entity: `{household.state}`
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?)\}")


def check_texts(job: Compilation) -> None:
    """The root's texts quote only known values, and no table (a derived value quotes a row)."""
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


def locales(ruleset: RuleSet) -> frozenset[str]:
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


def check_entity_texts(entities: EntityCompilation) -> None:
    """Collections' texts quote their own entity's values or an enclosing one's; titles."""
    languages = sorted(locales(entities.job.ruleset))
    for unit in entities.units.values():
        c = unit.collection
        if c is None:
            continue
        missing = [lang for lang in languages if lang not in c.title and "*" not in c.title]
        if c.title and missing:
            entities.job.problem(
                f"{unit.prefix}title",
                f"the title is not written in {', '.join(missing)} (the version is written in "
                f"{', '.join(languages)}): add {missing[0]}: {{one: …, other: …}}",
            )
        texts: list[tuple[str, Any]] = [(f"{unit.prefix}item_label", c.item_label)]
        for q in c.questions:
            texts += [
                (f"{unit.prefix}questions.{q.id}.label", q.label),
                (f"{unit.prefix}questions.{q.id}.help", q.help),
            ]
        for r in c.rules:
            texts += [
                (f"{unit.prefix}rules.{r.id}.explanation.true", r.explanation_true),
                (f"{unit.prefix}rules.{r.id}.explanation.false", r.explanation_false),
            ]
        for path, text in texts:
            for value in (text or {}).values():
                for name in PLACEHOLDER.findall(value):
                    found = _quoting_problem(entities, unit, name)
                    if found is not None:
                        entities.job.problem(path, found[0], found[1])


def _quoting_problem(
    entities: EntityCompilation, unit: Unit, name: str
) -> tuple[str, str | None] | None:
    """What is wrong with `{name}` in a collection's text, with a suggestion: the name is the
    entity's own value, or an enclosing entity's (`{household.state}`), resolved as the same
    reference in an expression is."""
    assert unit.collection is not None and unit.entity is not None
    if "." not in name:
        if name in unit.types:
            return None
        entity = unit.collection.entity
        return (
            f"the text quotes unknown value '{{{name}}}' (a text of {entity} quotes the "
            f"values of {entity}, or an enclosing entity's as in {{household.state}})",
            suggest(name, unit.types),
        )
    head, _, own = name.partition(".")
    try:
        ref = resolve(n.Dotted(head, own), unit.entity)
    except ExpressionError as error:
        return f"the text quotes '{{{name}}}': {error.message}", error.suggestion
    assert isinstance(ref, n.ParentRef)
    above = entities.units[unit.path[: len(unit.path) - ref.up]]
    if isinstance(above.types.get(own), TableType):
        return (
            f"the text quotes the table '{{{name}}}'; quote one row through a derived value",
            None,
        )
    return None


def declared_money(ruleset: RuleSet) -> dict[str, Money]:
    """The currency or scale declared by the questions and goals (collections' too), by id."""
    found: list[Question | Goal] = [*ruleset.questions, *ruleset.goals]
    stack = list(ruleset.collections)
    while stack:
        c = stack.pop()
        found += [*c.questions, *c.goals]
        stack.extend(c.collections)
    return amounts(found)
