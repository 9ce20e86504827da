"""A version's answer parser, made once when it compiles: one converter per question.

`parse_answers` looks each question's type and constraints up for every answer it converts;
`AnswerParser` does that once, keeping for each question the converter of
`answer_converters` (the usual answer at once, anything else the long way) and whether it
takes "I don't know". It gives the same values and the same errors, at the same JSON
Pointers, as `answers.parse_answers` (tests/unit/test_answer_parser.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eligibility.answer_converters import Converter, converters
from eligibility.answers import DONT_KNOW, NONE_UNKNOWN, Answers
from eligibility.errors import AnswerError
from eligibility.expressions.typecheck import suggest
from eligibility.expressions.values import UNKNOWN, Value
from eligibility.model import Question
from eligibility.values_io import ConversionError, pointer

__all__ = ["AnswerParser"]

_NOT_ACCEPTED = 'this question needs an answer; "I don\'t know" is not accepted'


class AnswerParser:
    """Raw answers → `Answers` for one set of questions (a version's root questions)."""

    __slots__ = ("_questions", "_convert", "_unknown")

    def __init__(self, questions: Mapping[str, Question]) -> None:
        self._questions = questions
        self._convert: dict[str, Converter] = converters(questions)
        # Questions for which "unknown" means "I don't know" (a text's "unknown" is a text):
        # whether they accept it.
        self._unknown = {q: question.allow_unknown for q, question in questions.items()
                         if question.type != "string"}  # fmt: skip

    def __call__(self, raw: Mapping[str, Any]) -> Answers:
        """Convert and check raw answers; raise AnswerError listing every problem."""
        errors: dict[str, list[str]] = {}
        answers = self.values(raw, errors)
        if errors:
            raise AnswerError(errors)
        return answers

    def values(self, raw: Mapping[str, Any], errors: dict[str, list[str]]) -> Answers:
        """The answers; problems are added to `errors` by JSON Pointer (as `parse_values`)."""
        convert, unknown = self._convert, self._unknown
        values: dict[str, Value] = {}
        dont_know: set[str] = set()
        for qid, answer in raw.items():
            to_value = convert.get(qid)
            if to_value is None:
                errors[pointer(qid)] = [self._unknown_question(qid)]
            elif answer is None:
                continue  # null means "not answered"
            elif answer == DONT_KNOW and qid in unknown:
                if unknown[qid]:
                    dont_know.add(qid)
                    values[qid] = UNKNOWN
                else:
                    errors[pointer(qid)] = [_NOT_ACCEPTED]
            else:
                try:
                    values[qid] = to_value(answer)
                except ConversionError as error:
                    errors[pointer(qid)] = [str(error)]
        return Answers.flat(values, frozenset(dont_know) if dont_know else NONE_UNKNOWN)

    def _unknown_question(self, qid: Any) -> str:
        hint = suggest(str(qid), list(self._questions))
        return "unknown question" + (f"; did you mean '{hint}'?" if hint else "")
