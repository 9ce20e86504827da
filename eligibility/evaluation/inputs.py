"""Answers → values: parsed, checked against each other, every value computed, a language chosen."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from eligibility import answer_checks
from eligibility.answer_document import parse_document
from eligibility.answers import Answers
from eligibility.codegen import program
from eligibility.compiler import CompiledRuleSet
from eligibility.engine.select import EngineName
from eligibility.engine.select import decider as _decider
from eligibility.engine.select import engine as _engine
from eligibility.errors import AnswerError
from eligibility.expressions.interpreter import Env, Evaluator
from eligibility.expressions.values import Failure, Value
from eligibility.instance_checks import instance_check_errors
from eligibility.interview_state import InterviewState
from eligibility.texts import Texts
from eligibility.values_io import pointer


def computed(
    compiled: CompiledRuleSet,
    raw_answers: Mapping[str, Any] | Answers,
    *,
    as_of: dt.date | None = None,
    locale: str | Sequence[str] | None = None,
    engine: EngineName = "durable",
    today: dt.date | None = None,
    state: InterviewState | None = None,
) -> tuple[Answers, dict[Any, Value], Texts, dt.date]:
    """The answers parsed and checked, and every value computed: where `evaluate` starts.

    Batches (`eligibility.batch.outcomes`) build their goal values on it alone, and give
    answers already parsed under a version with the same questions as `Answers`; `state` is
    an interview's, as in `evaluate`.
    """
    ruleset = compiled.ruleset
    if isinstance(raw_answers, Answers):
        answers = raw_answers
    elif compiled.collections:
        answers = parse_document(compiled.questions, compiled.collections, raw_answers)
    elif state is not None:
        answers = state.answers(compiled, raw_answers, compiled.answer_parser)
    else:
        answers = compiled.answer_parser(raw_answers)
    language = choose_locale(compiled, locale)
    day = as_of or ruleset.effective_from
    env = _environment(compiled, answers, day, engine, state)
    texts = Texts.of(language, ruleset.default_locale, env, compiled.money)
    _run_checks(compiled, texts, env, answers, today)
    return answers, env, texts, day


def checked(
    compiled: CompiledRuleSet,
    answers: Answers,
    env: Env,
    locale: str | Sequence[str] | None = None,
) -> None:
    """The version's checks over values computed already, as `computed` runs them (it raises
    AnswerError for answers a check refuses): a batch's reform computing only some values."""
    language = choose_locale(compiled, locale)
    texts = Texts.of(language, compiled.ruleset.default_locale, env, compiled.money)
    _run_checks(compiled, texts, env, answers, None)


def _environment(
    compiled: CompiledRuleSet,
    answers: Answers,
    day: dt.date,
    engine: EngineName,
    state: InterviewState | None,
) -> dict[Any, Value]:
    def full() -> dict[Any, Value]:
        return _engine(engine)(compiled, answers.values, day, answers.collections)

    if state is None or compiled.collections:
        return full()
    return state.environment(compiled, answers, day, full, _decider(engine, compiled))


def choose_locale(compiled: CompiledRuleSet, wanted: str | Sequence[str] | None) -> str:
    """The first wanted language the version has (or its base language), else the default.

    `wanted` is one language or several, best first (an explicit choice, or the tags of an
    Accept-Language header by quality): a regional tag (de-AT) falls back to its language
    (de) before the next, less wanted tag is tried (RFC 4647 lookup).
    """
    if not wanted:  # no language asked for (no tag is empty)
        return compiled.ruleset.default_locale
    tags = [wanted] if isinstance(wanted, str) else list(wanted)
    available = _by_lower_case(compiled.locales)
    for tag in tags:
        for candidate in (tag.lower(), tag.lower().split("-")[0]):
            if candidate in available:
                return available[candidate]
    return compiled.ruleset.default_locale


@functools.lru_cache(maxsize=1024)
def _by_lower_case(locales: frozenset[str]) -> dict[str, str]:
    """A version's languages by their lower-case tag (a constant of the version)."""
    return {a.lower(): a for a in locales}


def _run_checks(
    compiled: CompiledRuleSet, texts: Texts, env: Env, answers: Answers, day: dt.date | None
) -> None:
    """Refuse answers a check finds definitely false, at every question the check concerns.

    The checks of a collection's questions run in each instance (pointers name it).
    """
    if compiled.collections:
        day = day or answer_checks.today()
        errors = instance_check_errors(compiled.collections, texts, env, day=day)
    else:
        errors = {}
    if not compiled.checks:
        if errors:
            raise AnswerError(errors)
        return
    generated = program(compiled)  # the checks as generated functions, else their closures
    checks = generated.checks if generated is not None else _closures(compiled.checks)
    for check, evaluate in checks:  # they write nothing: only those reading `today` get a copy
        if check.question not in answers.values:
            continue
        if answer_checks.TODAY in check.reads:
            day = day or answer_checks.today()
            outcome = evaluate({**env, answer_checks.TODAY: day})
        else:
            outcome = evaluate(env)
        if outcome is False or isinstance(outcome, Failure):
            question = compiled.questions[check.question]
            message = texts.render(question.checks[check.index].message)
            for concerned in check.concerns:
                errors.setdefault(pointer(concerned), []).append(
                    message or "the answer does not fit other answers"
                )
    if errors:
        raise AnswerError(errors)


def _closures(
    checks: tuple[answer_checks.CompiledCheck, ...],
) -> Iterator[tuple[answer_checks.CompiledCheck, Evaluator]]:
    return ((check, check.evaluate) for check in checks)
