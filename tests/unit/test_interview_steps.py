"""Interview steps: next questions worded when read, constant reasons shared, answers parsed
only where they changed (the differential test in tests/properties/test_incremental.py
checks whole interviews)."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest

from eligibility import AnswerError
from eligibility import interview_state as interview_state_module
from eligibility.catalogue.compile_cache import CompileCache
from eligibility.evaluation import evaluate
from eligibility.interview_state import InterviewState, interview_state
from eligibility.next_questions import NextQuestions
from eligibility.services.versions import new_record

from .support import build


def test_next_questions_are_built_when_read_and_once() -> None:
    built: list[str] = []

    def word(qid: str) -> str:
        built.append(qid)
        return qid.upper()

    questions = NextQuestions(["a", "b", "c"], word)
    assert len(questions) == 3 and built == []
    assert questions[0] == "A" and questions[-1] == "C"
    assert questions[1:] == ("B", "C")
    assert list(questions) == ["A", "B", "C"]
    assert built == ["a", "c", "b"]  # each once, in the order read
    assert questions == ("A", "B", "C") and ("A", "B", "C") == questions
    assert questions != ("A", "B")
    assert pickle.loads(pickle.dumps(questions)) == ("A", "B", "C")
    with pytest.raises(IndexError):
        questions[3]


def test_an_evaluation_words_only_the_questions_read() -> None:
    compiled = build()
    result = evaluate(compiled, {})
    assert result.next_questions[0].question.id == "age"
    assert [q.label for q in result.next_questions] == ["Age?", "Resident?"]


QUOTING = {
    "adult": {
        "when": "age >= 18",
        "legal_reference": "Act § 1",
        "explanation": {"true": {"en": "You are {age}."}, "false": {"en": "Too young."}},
    }
}


def test_a_reason_quoting_nothing_is_made_once_per_version() -> None:
    compiled = build(rules=QUOTING)
    first = evaluate(compiled, {"age": 10}).goals["eligible"].reasons
    again = evaluate(compiled, {"age": 12}).goals["eligible"].reasons
    assert first[0].text == "Too young." and again[0] is first[0]


def test_a_reason_quoting_a_value_is_written_each_time() -> None:
    compiled = build(rules=QUOTING)
    assert evaluate(compiled, {"age": 30}).goals["eligible"].reasons[0].text == "You are 30."
    assert evaluate(compiled, {"age": 40}).goals["eligible"].reasons[0].text == "You are 40."


def test_a_step_parses_only_what_changed_and_refuses_as_a_full_evaluation() -> None:
    compiled, state = build(), InterviewState()
    evaluate(compiled, {"age": 30}, state=state)
    with pytest.raises(AnswerError) as refused:
        evaluate(compiled, {"age": 30, "resident": "perhaps"}, state=state)
    assert list(refused.value.errors) == ["/resident"]
    with pytest.raises(AnswerError) as unknown:
        evaluate(compiled, {"age": 30, "agee": 3}, state=state)
    assert "did you mean 'age'" in unknown.value.errors["/agee"][0]
    answers = {"resident": True, "age": 31}
    assert evaluate(compiled, answers, state=state) == evaluate(compiled, answers)
    assert list(evaluate(compiled, answers, state=state).answers) == ["resident", "age"]
    assert evaluate(compiled, {"age": 31}, state=state) == evaluate(compiled, {"age": 31})


def test_a_process_keeps_the_states_of_the_sessions_used_last(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(interview_state_module, "STATES_KEPT", 2)
    first, second = interview_state("s-1"), interview_state("s-2")
    assert interview_state("s-1") is first
    interview_state("s-3")  # s-2 was used longest ago
    assert interview_state("s-1") is first
    assert interview_state("s-2") is not second


def test_states_of_large_versions_are_kept_fewer(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = build()
    weight = len(compiled.order) + len(compiled.questions)
    monkeypatch.setattr(interview_state_module, "WEIGHT_KEPT", 2 * weight)
    states = [interview_state(f"w-{i}") for i in range(3)]
    for state in states:
        evaluate(compiled, {"age": 20}, state=state)
    assert states[0].weight == weight
    assert interview_state("w-2") is states[2]
    assert interview_state("w-1") is states[1]
    assert interview_state("w-0") is not states[0]  # the third state's weight was too much


def test_a_stored_version_compiles_to_one_object_whatever_its_metadata() -> None:
    """What is kept per compiled object (program, interview states) is made once."""
    ruleset = build().ruleset
    stored = new_record(ruleset, "retired", "test", dt.datetime(2024, 1, 2, tzinfo=dt.UTC))
    cache = CompileCache()
    cache.ruleset(ruleset)  # the file's compiled version, published, no time of publication
    first = cache.stored(stored)
    assert first.ruleset.status == "retired" and first.named is cache.ruleset(ruleset).named
    assert cache.stored(stored) is first
