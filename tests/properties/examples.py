"""The example rule sets in rules/, found by file and loaded once per test session."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from eligibility import AnswerError, Catalogue, CompiledRuleSet, Evaluation, evaluate, load_paths

from .strategies import question_answers, some_of

RULES = Path(__file__).resolve().parents[2] / "rules"
VERSION_IDS = sorted(f"{p.parent.name}/{p.stem}" for p in RULES.glob("*/*.yaml"))
RULESET_IDS = sorted({v.split("/")[0] for v in VERSION_IDS})
# Rule sets about one person; those with collections (their answers are a document with
# lists) have their own properties in test_entity_properties.py and test_entity_differential.py.
FLAT_RULESET_IDS = sorted(
    r
    for r in RULESET_IDS
    if not any(
        line.startswith("collections:")
        for path in (RULES / r).glob("*.yaml")
        for line in path.read_text(encoding="utf-8").splitlines()
    )
)


@functools.cache
def catalogue() -> Catalogue:
    """Every rule set in rules/, loaded and compiled."""
    return Catalogue.of(load_paths([RULES]))


def example(version_id: str) -> CompiledRuleSet:
    """One version of rules/ by "ruleset/version"."""
    ruleset, version = version_id.split("/")
    return catalogue().version(ruleset, version, drafts=True)


def versions_of(ruleset_id: str) -> st.SearchStrategy[CompiledRuleSet]:
    """Any version of a rule set in rules/."""
    ids = [v for v in VERSION_IDS if v.startswith(f"{ruleset_id}/")]
    return st.sampled_from(ids).map(example)


_STRATEGIES: dict[str, st.SearchStrategy[dict[str, Any]]] = {}


def example_answers(version: CompiledRuleSet) -> st.SearchStrategy[dict[str, Any]]:
    """Answer sets for a version: random ones, or a scenario's with a few answers changed.

    Random answers rarely meet every condition of a real rule set; the authors' scenarios
    do, so half the answer sets start from one of them (of any version of the rule set).
    """
    if version.key not in _STRATEGIES:
        per_question = question_answers(version)
        scenarios = scenario_answers(version)
        random = st.one_of(st.fixed_dictionaries(per_question), some_of(per_question))
        if scenarios:
            varied = st.builds(
                _vary,
                st.sampled_from(scenarios),
                st.fixed_dictionaries(per_question),
                st.lists(st.sampled_from(sorted(per_question)), max_size=3, unique=True),
                st.lists(st.sampled_from(sorted(per_question)), max_size=3, unique=True),
            )
            random = st.one_of(random, varied)
        _STRATEGIES[version.key] = random
    return _STRATEGIES[version.key]


def scenario_answers(version: CompiledRuleSet) -> list[dict[str, Any]]:
    """The answers of every scenario of the rule set, restricted to this version's questions."""
    found = []
    for other in catalogue().ruleset(version.ruleset.id, drafts=True).versions:
        for scenario in other.ruleset.scenarios:
            answers = {q: a for q, a in scenario.answers.items() if q in version.questions}
            if answers not in found:
                found.append(answers)
    return found


def _vary(
    base: dict[str, Any], fresh: dict[str, Any], changed: list[str], dropped: list[str]
) -> dict[str, Any]:
    answers = {**base, **{q: fresh[q] for q in changed}}
    return {q: a for q, a in answers.items() if q not in dropped}


def claim_dates(version: CompiledRuleSet) -> st.SearchStrategy[dt.date | None]:
    """`as_of` inside the version's window, or None (its first day)."""
    first = version.ruleset.effective_from
    last = version.ruleset.effective_to or first + dt.timedelta(days=730)
    return st.one_of(st.none(), st.dates(first, last))


def valid_subset(
    version: CompiledRuleSet, answers: dict[str, Any], as_of: dt.date | None
) -> dict[str, Any]:
    """The answers without those the version's checks refuse (against earlier answers)."""
    for _ in range(len(answers) + 1):
        try:
            evaluate(version, answers, as_of=as_of, engine="pure")
        except AnswerError as error:
            answers = {q: a for q, a in answers.items() if "/" + q not in error.errors}
            continue
        return answers
    raise AssertionError("refused answers never settled")


def pure(
    version: CompiledRuleSet, answers: dict[str, Any], as_of: dt.date | None = None
) -> Evaluation:
    """Evaluate with the pure engine (the fast one, for properties of the semantics)."""
    return evaluate(version, answers, as_of=as_of, engine="pure")
