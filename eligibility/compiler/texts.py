"""The version's texts: the values they quote checked, the languages they are written in."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from eligibility.compiler.compilation import Compilation
from eligibility.compiler.entities import EntityCompilation
from eligibility.expressions.typecheck import suggest
from eligibility.expressions.types import TableType
from eligibility.model import Question, RuleSet

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


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
    """Texts of collections quote only the values of their own entity; titles in every language."""
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
                    if name not in unit.types:
                        entities.job.problem(
                            path,
                            f"the text quotes unknown value '{{{name}}}' (a text of "
                            f"{c.entity} quotes the values of {c.entity} only)",
                            suggest(name, unit.types),
                        )
