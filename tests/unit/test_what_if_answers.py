"""A what-if sets aside answers to questions the other version does not ask; a replay never."""

from __future__ import annotations

import dataclasses
from typing import Any

from eligibility.answer_document import asked_by
from eligibility.decisions import replay
from eligibility.decisions.replay import answers_under
from tests.properties.examples import example


def test_answers_the_version_does_not_ask_are_left_out_at_every_level() -> None:
    employer = example("kurzarbeitergeld-abrechnung/2020-03-01")  # agency work not asked
    raw: dict[str, Any] = {
        "claim_month": "2020-04-01",
        "no_such_question": True,
        "employees": [{"id": "e1", "agency_worker": False, "has_child": True}, "not an object"],
    }
    kept = asked_by(employer.questions, employer.collections, raw)
    assert kept == {
        "claim_month": "2020-04-01",
        "employees": [{"id": "e1", "has_child": True}, "not an object"],
    }
    assert "agency_worker" in example("kurzarbeitergeld-abrechnung/2016-01-01").collections[
        "employees"
    ].questions


def test_a_replay_under_its_own_version_gives_every_answer_and_a_what_if_only_the_asked() -> None:
    original = example("kurzarbeitergeld/2020-03-01")
    correction = example("kurzarbeitergeld/2020-03-01.1")
    assert "agency_worker" in original.questions and "agency_worker" not in correction.questions
    decision = _decision(original, {"claim_month": "2020-04-01", "agency_worker": False})
    assert answers_under(original, decision) == decision.answers
    assert answers_under(correction, decision) == {"claim_month": "2020-04-01"}
    result = replay(decision, correction, engine="pure")
    assert result.error is None  # not "unknown question": the answer is set aside


def _decision(compiled: Any, answers: dict[str, Any]) -> Any:
    """A recorded decision of `compiled` holding only these answers (nothing decided)."""

    @dataclasses.dataclass
    class Recorded:
        id: str = "d1"
        sequence: int = 1
        ruleset_id: str = compiled.ruleset.id
        version: str = compiled.ruleset.version
        content_hash: str = compiled.content_hash
        as_of: Any = compiled.ruleset.effective_from
        locale: str = "de"
        answers: dict[str, Any] = dataclasses.field(default_factory=lambda: answers)
        goals: dict[str, Any] = dataclasses.field(default_factory=dict)
        reasons: dict[str, Any] = dataclasses.field(default_factory=dict)
        trace: tuple[Any, ...] = ()
        ignored_answers: tuple[str, ...] = ()

    return Recorded()
