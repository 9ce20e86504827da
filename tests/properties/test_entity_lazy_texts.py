"""An instance's label, goals and reasons rendered when read (InstanceResult) are the texts
rendered at once when the instance's result is made: the evaluation, the API's body and a
decision's outcome are equal, however late and in whatever order the parts are read, and
after other evaluations of the same version ran in between."""

from __future__ import annotations

import functools
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.evaluation_body import evaluation_body
from eligibility import CompiledRuleSet, Evaluation, document_from_data, load_document, load_paths
from eligibility.compiler import compile_ruleset
from eligibility.decisions.record import outcome_of
from eligibility.errors import AnswerError, EvaluationError
from eligibility.evaluation import evaluate
from eligibility.instance_results import InstanceResult, all_instances

from .entity_strategies import INSTANCE_ATOMS, aggregates, documents, formulas

PROPERTIES = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=80,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ROOT = Path(__file__).parents[2]
_LAZY = InstanceResult.rendered_when_read.__func__  # type: ignore[attr-defined]


@contextmanager
def rendered_at_once() -> Iterator[None]:
    """Instance results made in this block render their label and goals when made."""

    def eager(cls: type[InstanceResult], *args: Any) -> InstanceResult:
        made = _LAZY(cls, *args)
        return InstanceResult(made.id, made.pointer, made.label, made.goals, made.collections)

    with mock.patch.object(InstanceResult, "rendered_when_read", classmethod(eager)):
        yield


def _read(result: Evaluation, order: int) -> None:
    """Read every instance's parts in one of several orders."""
    items = all_instances(result.instances)
    if order % 2:
        items.reverse()
    for item in items:
        if order >= 2:
            _ = item.decided, item.goals, item.label
        else:
            _ = item.label, item.goals


def assert_same_texts(
    compiled: CompiledRuleSet, doc: dict[str, Any], others: list[dict[str, Any]], order: int
) -> None:
    try:
        with rendered_at_once():
            eager = evaluate(compiled, doc, engine="pure", locale="de")
    except (AnswerError, EvaluationError):
        return
    lazy = evaluate(compiled, doc, engine="pure", locale="de")
    for other in others:  # other claims of the version fill its caches before lazy is read
        try:
            evaluate(compiled, other, engine="pure", locale="de")
        except (AnswerError, EvaluationError):
            pass
    assert lazy.complete == eager.complete
    _read(lazy, order)
    assert lazy == eager
    assert evaluation_body(lazy) == evaluation_body(eager)
    assert outcome_of(lazy) == outcome_of(eager)
    assert pickle.loads(pickle.dumps(lazy.instances)) == eager.instances


@st.composite
def quoting_rulesets(draw: st.DrawFn) -> CompiledRuleSet:
    """Random rule sets whose instance label, reasons and goal labels quote the instance's
    answers and the household's (`{m_num}`, `{household.r_num}`), in two languages."""
    root_atoms = ["r_flag", *[draw(aggregates()) for _ in range(2)]]
    said = {"en": "{m_num} of {household.r_num}", "de": "{m_num} von {household.r_num}"}
    data: dict[str, Any] = {
        "ruleset": "random-quoting",
        "version": "1",
        "status": "published",
        "effective_from": "2024-01-01",
        "default_locale": "en",
        "title": {"en": "Random", "de": "Zufall"},
        "entity": "household",
        "questions": {
            "r_flag": {"type": "boolean", "label": "R?"},
            "r_num": {"type": "integer", "min": 0, "max": 10, "label": "N?"},
            "members_complete": {"type": "boolean", "label": "All listed?"},
        },
        "collections": {
            "members": {
                "entity": "member",
                "max": 6,
                "completeness": "ask_another",
                "completeness_question": "members_complete",
                "item_label": {"en": "Member {m_num} ({m_flag})", "de": "Person {m_num}"},
                "questions": {
                    "m_flag": {"type": "boolean", "label": "F?"},
                    "m_flag2": {"type": "boolean", "label": "G?"},
                    "m_num": {"type": "integer", "min": 0, "max": 10, "label": "M {m_flag}?"},
                },
                "rules": {
                    name: {
                        "when": draw(formulas(INSTANCE_ATOMS)),
                        "legal_reference": "§ 1",
                        "explanation": {"true": said, "false": {"en": "No {m_flag2}."}},
                    }
                    for name in ("base", "extra")
                },
                "goals": {
                    "ok": {
                        "type": "boolean",
                        "value": draw(formulas([*INSTANCE_ATOMS, "base", "extra"])),
                        "label": {"en": "OK", "de": "Gut"},
                    },
                    "amount": {"type": "integer", "value": "if ok then m_num else 0"},
                },
            }
        },
        "goals": {"eligible": {"type": "boolean", "value": draw(formulas(root_atoms, 2))}},
    }
    return compile_ruleset(load_document(document_from_data(data)))


@PROPERTIES
@given(data=st.data())
def test_lazily_rendered_instances_equal_those_rendered_at_once(data: st.DataObject) -> None:
    compiled = data.draw(quoting_rulesets())
    for _ in range(3):
        doc = data.draw(documents(compiled))
        others = [data.draw(documents(compiled)) for _ in range(2)]
        assert_same_texts(compiled, doc, others, data.draw(st.integers(0, 3)))


@functools.cache
def _versions(folder: Path) -> tuple[CompiledRuleSet, ...]:
    return tuple(compile_ruleset(ruleset) for ruleset in load_paths([folder]))


def test_lazily_rendered_instances_on_the_rule_sets_with_collections() -> None:
    folders = [ROOT / "tests" / "fixtures" / "family-allowance"]
    folders += [ROOT / "tests" / "fixtures" / "employer-claim", ROOT / "rules" / "kindergeld"]
    folders += [ROOT / "rules" / "kurzarbeitergeld-abrechnung"]
    for folder in folders:
        for compiled in _versions(folder):
            claims = [dict(s.answers) for s in compiled.ruleset.scenarios]
            for i, answers in enumerate(claims):
                assert_same_texts(compiled, answers, claims[i + 1 : i + 3], i % 4)
