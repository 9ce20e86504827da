"""The walk across entities gives the same evaluation whether the walk of an instance is
replayed from another instance that took the same path (entity_segments.py) or walked in
full: goals, reasons, next questions with their whys and order, ignored answers."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility import CompiledRuleSet, Evaluation, document_from_data, load_document, load_paths
from eligibility.compiler import compile_ruleset
from eligibility.entity_relevance import entity_walk
from eligibility.errors import AnswerError, EvaluationError
from eligibility.evaluation import evaluate
from eligibility.evaluation import use_case as evaluation_module

from .entity_strategies import INSTANCE_ATOMS, collection_rulesets, documents, formulas

PROPERTIES = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


@contextmanager
def walked_in_full() -> Iterator[None]:
    """Evaluations in this block walk every instance (no segment replayed)."""
    full = functools.partial(entity_walk, cached=False)
    with mock.patch.object(evaluation_module, "entity_walk", full):
        yield


def both(compiled: CompiledRuleSet, doc: dict[str, Any]) -> tuple[Evaluation, Evaluation] | None:
    """The evaluation walked in full and with replayed segments (None: the claim is refused)."""
    try:
        with walked_in_full():
            full = evaluate(compiled, doc, engine="pure", with_trace=True)
    except (AnswerError, EvaluationError):
        return None
    return full, evaluate(compiled, doc, engine="pure", with_trace=True)


def assert_same(compiled: CompiledRuleSet, doc: dict[str, Any]) -> None:
    found = both(compiled, doc)
    if found is not None:
        full, replayed = found
        assert replayed == full
        assert [q.why for q in replayed.next_questions] == [q.why for q in full.next_questions]


def household(ruleset: str, parts: dict[str, Any]) -> CompiledRuleSet:
    """A random rule set about a household: its questions, values, collections and goals."""
    data = {
        "ruleset": ruleset,
        "version": "1",
        "status": "published",
        "effective_from": "2024-01-01",
        "title": "Random",
        "entity": "household",
        **parts,
    }
    return compile_ruleset(load_document(document_from_data(data)))


@st.composite
def parent_rulesets(draw: st.DrawFn) -> CompiledRuleSet:
    """Random rule sets whose instances also read the root's derived values and rules (the
    walk then reaches named values of the parent), with questions that allow "don't know"."""
    atoms = [*INSTANCE_ATOMS, "household.r_high", "household.r_rule"]
    root_atoms = ["r_rule", "any(members, ok)", "count(members, base) >= 1", "all(members, m_flag)"]
    parts: dict[str, Any] = {
        "questions": {
            "r_flag": {"type": "boolean", "label": "R?", "allow_unknown": True},
            "r_num": {"type": "integer", "min": 0, "max": 10, "label": "N?"},
            "members_complete": {"type": "boolean", "label": "All listed?"},
        },
        "derived": {"r_high": {"value": "r_num > 5"}},
        "rules": {
            "r_rule": {"when": draw(formulas(["r_flag", "r_high"], 2)), "legal_reference": "§ 2"}
        },
        "collections": {
            "members": {
                "entity": "member",
                "max": 12,
                "item_label": {"en": "{m_name}"},
                "completeness": "ask_another",
                "completeness_question": "members_complete",
                "order": draw(st.sampled_from(["instance_first", "question_first"])),
                "questions": {
                    "m_name": {"type": "string", "label": "Name?"},
                    "m_flag": {"type": "boolean", "label": "F of {m_name}?", "allow_unknown": True},
                    "m_flag2": {"type": "boolean", "label": "G?"},
                    "m_num": {"type": "integer", "min": 0, "max": 10, "label": "M?"},
                },
                "rules": {
                    "base": {"when": draw(formulas(atoms)), "legal_reference": "§ 1"},
                    "extra": {"when": draw(formulas(atoms, 1)), "legal_reference": "§ 4"},
                },
                "goals": {
                    "ok": {"type": "boolean", "value": draw(formulas([*atoms, "base"]))},
                    "amount": {"type": "integer", "value": "if ok then m_num else 0"},
                    "flagged": {"type": "boolean", "value": "extra or m_flag2"},
                },
            }
        },
        "goals": {
            "eligible": {"type": "boolean", "value": draw(formulas(root_atoms, 2))},
            "total": {"type": "integer", "value": "if r_rule then sum(members, amount) else 0"},
        },
    }
    return household("random-parents", parts)


@st.composite
def crowds(draw: st.DrawFn) -> dict[str, Any]:
    """A claim of up to 12 members answered from few values, so that many share a path."""
    doc: dict[str, Any] = {}
    for key, strategy in (
        ("r_flag", st.sampled_from([True, False, "unknown"])),
        ("r_num", st.integers(4, 7)),
    ):
        if draw(st.booleans()):
            doc[key] = draw(strategy)
    if draw(st.booleans()):
        doc["members_complete"] = True
    members = []
    for i in range(draw(st.integers(0, 12))):
        item: dict[str, Any] = {"id": f"m{i}"}
        for key, strategy in (
            ("m_name", st.just(f"M{i}")),
            ("m_flag", st.sampled_from([True, False, "unknown"])),
            ("m_flag2", st.booleans()),
            ("m_num", st.sampled_from([1, 3, 5])),
        ):
            if draw(st.integers(0, 2)):
                item[key] = draw(strategy)
        members.append(item)
    doc["members"] = members
    return doc


@PROPERTIES
@given(data=st.data())
def test_replayed_walks_match_full_walks_when_instances_read_the_parent(
    data: st.DataObject,
) -> None:
    compiled = data.draw(parent_rulesets())
    for _ in range(3):
        assert_same(compiled, data.draw(crowds()))


@settings(PROPERTIES, max_examples=80)
@given(data=st.data())
def test_replayed_walks_match_full_walks_on_random_collections(data: st.DataObject) -> None:
    compiled = data.draw(collection_rulesets())
    for _ in range(3):
        doc = data.draw(documents(compiled))
        doc["members"] = doc["members"] + [{**m, "id": f"{m['id']}x"} for m in doc["members"]]
        if isinstance(doc.get("members_count"), int):
            doc["members_count"] = min(6, max(doc["members_count"], len(doc["members"])))
        assert_same(compiled, doc)


@st.composite
def nested_rulesets(draw: st.DrawFn) -> CompiledRuleSet:
    """Members with jobs: a job reads its member's and the household's values (one and two
    levels up), a member reads its jobs through aggregates."""
    job_atoms = ["j_flag", "j_num > 2", "member.m_flag", "member.m_big", "household.r_high"]
    member_atoms = ["m_flag", "m_big", "any(jobs, j_ok)", "count(jobs) >= 1", "household.r_flag"]
    parts: dict[str, Any] = {
        "questions": {
            "r_flag": {"type": "boolean", "label": "R?"},
            "r_num": {"type": "integer", "min": 0, "max": 10, "label": "N?"},
            "members_complete": {"type": "boolean", "label": "All listed?"},
        },
        "derived": {"r_high": {"value": "r_num > 5"}},
        "collections": {
            "members": {
                "entity": "member",
                "max": 8,
                "completeness": "ask_another",
                "completeness_question": "members_complete",
                "questions": {
                    "m_flag": {"type": "boolean", "label": "F?"},
                    "m_num": {"type": "integer", "min": 0, "max": 10, "label": "M?"},
                    "jobs_complete": {"type": "boolean", "label": "All jobs?"},
                },
                "derived": {"m_big": {"value": "m_num > 3"}},
                "collections": {
                    "jobs": {
                        "entity": "job",
                        "max": 4,
                        "completeness": "ask_another",
                        "completeness_question": "jobs_complete",
                        "order": draw(st.sampled_from(["instance_first", "question_first"])),
                        "questions": {
                            "j_flag": {"type": "boolean", "label": "J?"},
                            "j_num": {"type": "integer", "min": 0, "max": 10, "label": "K?"},
                        },
                        "rules": {
                            "j_rule": {"when": draw(formulas(job_atoms)), "legal_reference": "§ 3"}
                        },
                        "goals": {
                            "j_ok": {
                                "type": "boolean",
                                "value": draw(formulas([*job_atoms, "j_rule"])),
                            }
                        },
                    }
                },
                "goals": {"ok": {"type": "boolean", "value": draw(formulas(member_atoms))}},
            }
        },
        "goals": {"eligible": {"type": "boolean", "value": "any(members, ok) or r_high"}},
    }
    return household("random-nested", parts)


@st.composite
def households(draw: st.DrawFn) -> dict[str, Any]:
    """Up to 6 members with up to 3 jobs each, answered from few values."""
    doc: dict[str, Any] = {}
    for key, strategy in (("r_flag", st.booleans()), ("r_num", st.integers(4, 7))):
        if draw(st.booleans()):
            doc[key] = draw(strategy)
    members = []
    for i in range(draw(st.integers(0, 6))):
        member: dict[str, Any] = {"id": f"m{i}", "jobs": []}
        for key, strategy in (
            ("m_flag", st.booleans()),
            ("m_num", st.sampled_from([2, 5])),
            ("jobs_complete", st.just(True)),
        ):
            if draw(st.booleans()):
                member[key] = draw(strategy)
        for j in range(draw(st.integers(0, 3))):
            job: dict[str, Any] = {"id": f"j{j}"}
            for key, strategy in (("j_flag", st.booleans()), ("j_num", st.sampled_from([1, 4]))):
                if draw(st.booleans()):
                    job[key] = draw(strategy)
            member["jobs"].append(job)
        members.append(member)
    doc["members"] = members
    return doc


@PROPERTIES
@given(data=st.data())
def test_replayed_walks_match_full_walks_in_nested_collections(data: st.DataObject) -> None:
    compiled = data.draw(nested_rulesets())
    for _ in range(3):
        assert_same(compiled, data.draw(households()))


@functools.cache
def _versions(folder: Path) -> tuple[CompiledRuleSet, ...]:
    return tuple(compile_ruleset(ruleset) for ruleset in load_paths([folder]))


def _grown(compiled: CompiledRuleSet, answers: dict[str, Any]) -> dict[str, Any]:
    """The claim with its instances listed twice over (new ids, every other answer left out),
    the collections' completeness left open."""
    out = dict(answers)
    for cid, scope in compiled.collections.items():
        items = list(answers.get(cid) or [])
        more = [{k: v for j, (k, v) in enumerate(i.items()) if k == "id" or j % 2} for i in items]
        out[cid] = [*items, *({**m, "id": f"{m['id']}b"} for m in more)]
        out.pop(scope.collection.completeness_question, None)
    return out


def test_replayed_walks_match_on_the_rule_sets_with_collections() -> None:
    folders = [FIXTURES / "family-allowance", FIXTURES / "employer-claim"]
    folders += [ROOT / "rules" / "kindergeld", ROOT / "rules" / "kurzarbeitergeld-abrechnung"]
    for folder in folders:
        for compiled in _versions(folder):
            for scenario in compiled.ruleset.scenarios:
                answers = dict(scenario.answers)
                assert_same(compiled, answers)
                assert_same(compiled, _grown(compiled, answers))
