"""Answers → Evaluation: goals (decided or not), reasons, next questions, ignored answers, trace."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from eligibility import answer_checks
from eligibility.answer_document import parse_document
from eligibility.answers import Answers, document, parse_answers
from eligibility.compiled_parts import CompiledCollection
from eligibility.compiler import CompiledRuleSet
from eligibility.engine.select import EngineName as EngineName
from eligibility.engine.select import decider as _decider
from eligibility.engine.select import engine as _engine
from eligibility.entity_evaluation import Wording, frame_texts, ignored, reasons_of
from eligibility.entity_frames import Relevant
from eligibility.entity_relevance import entity_walk
from eligibility.errors import AnswerError, EvaluationError
from eligibility.expressions.interpreter import Env
from eligibility.expressions.values import UNKNOWN, Failure, Unknown, Value, is_known
from eligibility.instance_checks import instance_check_errors
from eligibility.instance_results import (
    InstanceResult,
    all_instances,
    instance_results,
    instance_trace,
)
from eligibility.interview_state import InterviewState
from eligibility.model import Goal, Question, Rule, RuleSet, localize
from eligibility.money import amounts, scale_answers, scaled
from eligibility.next_questions import NextQuestions
from eligibility.reason_cache import reasons_in_order
from eligibility.relevance import Walk, walk
from eligibility.texts import Texts, why_asked
from eligibility.values_io import pointer, to_plain


@dataclass(frozen=True)
class Reason:
    """A rule that decided (or so far shapes) a goal, explained in the claimant's language."""

    rule: str
    value: bool | None
    text: str | None
    legal_reference: str


@dataclass(frozen=True)
class GoalResult:
    """One goal: its value when decided, and the reasons."""

    id: str
    type: str
    value: bool | int | Decimal | str | dt.date | None
    decided: bool
    label: str | None
    reasons: tuple[Reason, ...]
    currency: str | None = None  # an amount's ISO 4217 code, as the goal declares it
    decimal_places: int | None = None  # the scale its value is given with (zeros added)


@dataclass(frozen=True)
class Why:
    """Why a question is asked: the rule it feeds and its legal reference."""

    rule: str
    legal_reference: str | None
    text: str | None


@dataclass(frozen=True)
class NextQuestion:
    """A question that can still change an undecided goal, worded for the claimant."""

    question: Question
    label: str
    help: str | None
    options: tuple[tuple[str, str], ...]
    why: tuple[Why, ...]
    path: str | None = None  # the JSON Pointer of a question of an instance: /children/c1/age

    @property
    def pointer(self) -> str:
        """Where the answer goes in the answers document (JSON Pointer)."""
        return self.path or pointer(self.question.id)

    @property
    def key(self) -> str:
        """The question's id at the root, its pointer in an instance (scenarios' expect_next)."""
        return self.path or self.question.id


@dataclass(frozen=True)
class TraceStep:
    """One named rule or value: inputs read, result, legal reference."""

    name: str
    kind: str
    inputs: Mapping[str, Any]
    result: Any
    legal_reference: str | None


@dataclass(frozen=True)
class Evaluation:
    """The outcome of evaluating answers under one version."""

    ruleset_id: str
    version: str
    content_hash: str
    as_of: dt.date
    locale: str
    answers: Mapping[str, Any]
    goals: Mapping[str, GoalResult]
    next_questions: Sequence[NextQuestion]  # worded when read (see next_questions.py)
    ignored_answers: tuple[str, ...]
    engine: str
    trace: tuple[TraceStep, ...] = field(default=())
    # The instances of each collection with their goals (empty without collections).
    instances: Mapping[str, tuple[InstanceResult, ...]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True exactly when every goal is decided (each instance's too)."""
        return all(g.decided for g in self.goals.values()) and all(
            g.decided for item in all_instances(self.instances) for g in item.goals.values()
        )

    @property
    def outcome(self) -> dict[str, Any]:
        """Goal values (None when undecided), JSON-safe."""
        return {k: to_plain(g.value) for k, g in self.goals.items()}


def evaluate(
    compiled: CompiledRuleSet,
    raw_answers: Mapping[str, Any],
    *,
    as_of: dt.date | None = None,
    locale: str | Sequence[str] | None = None,
    engine: EngineName = "durable",
    with_trace: bool = False,
    today: dt.date | None = None,
    state: InterviewState | None = None,
) -> Evaluation:
    """Evaluate answers under a compiled version (three-valued; see DESIGN §3–4).

    `locale` is a language or several, best first (see `choose_locale`); `today` is the day
    the claim is made, read only by checks (default: now, see `answer_checks.today`).
    `state`, an interview's, makes this a step from its last one (see `interview_state`).
    """
    ruleset = compiled.ruleset
    answers, env, texts, day = computed(
        compiled, raw_answers, as_of=as_of, locale=locale, engine=engine, today=today, state=state
    )
    if compiled.collections:
        return _with_collections(compiled, answers, env, texts, day, engine, with_trace)
    if state is not None:
        found = state.walk(compiled, env, answers.dont_know)
    else:
        found = walk(compiled, env, answers.dont_know)
    return Evaluation(
        ruleset_id=ruleset.id,
        version=ruleset.version,
        content_hash=compiled.content_hash,
        as_of=day,
        locale=texts.locale,
        answers={**document(answers), **scale_answers(answers.plain(), texts.money)},
        goals=_goals(compiled, texts, found),
        next_questions=NextQuestions(
            found.next_questions(compiled.question_rank),
            functools.partial(_next_question, compiled, found=found, texts=texts),
        ),
        ignored_answers=tuple(
            sorted(set(answers.plain()) - found.used, key=compiled.question_rank.__getitem__)
        ),
        engine=engine,
        trace=trace(compiled, env) if with_trace else (),
        instances=_instances(compiled, texts, env),
    )


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
        answers = state.answers(
            compiled, raw_answers, functools.partial(parse_answers, compiled.questions)
        )
    else:
        answers = parse_answers(compiled.questions, raw_answers)
    language = choose_locale(compiled, locale)
    day = as_of or ruleset.effective_from
    env = _environment(compiled, answers, day, engine, state)
    texts = Texts(language, ruleset.default_locale, env, amounts(_declaring(ruleset)))
    _run_checks(compiled, texts, answers, today)
    return answers, env, texts, day


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


def _instances(
    compiled: CompiledRuleSet,
    texts: Texts,
    env: Mapping[Any, Value],
    reached: Mapping[tuple[str, str], set[str]] | None = None,
) -> dict[str, tuple[InstanceResult, ...]]:
    """Each instance's goals; reasons are the instance's rules that decided each goal."""

    def texts_in(inner: Mapping[Any, Any], scope: CompiledCollection) -> Texts:
        return texts.within(inner, scope.parents)

    def goal(g: Goal, inner: dict[Any, Any], scope: CompiledCollection, at: str) -> GoalResult:
        value = inner[g.id]
        if isinstance(value, Failure):
            raise EvaluationError(g.id, value.reason, {"goal": f"{at}/{g.id}"})
        local = texts_in(inner, scope)
        decided = (reached or {}).get((at, g.id), set())
        reasons = tuple(
            _rule_reason(scope.rules_by_id[r], inner[r], local)
            for r in scope.order
            if r in decided and isinstance(inner[r], bool)
        )
        return _goal_result(g, value, local, reasons)

    def label(scope: CompiledCollection, inner: dict[Any, Any]) -> str | None:
        return texts_in(inner, scope).render(scope.collection.item_label)

    return instance_results(compiled.collections, env, goal, label)


def _with_collections(
    compiled: CompiledRuleSet,
    answers: Answers,
    env: dict[Any, Value],
    texts: Texts,
    day: dt.date,
    engine: EngineName,
    with_trace: bool,
) -> Evaluation:
    """The Evaluation of a claim with collections (see entity_evaluation.py)."""
    found = entity_walk(compiled, env, answers)
    goals = {}
    for goal in compiled.ruleset.goals:
        value = env[goal.id]
        if isinstance(value, Failure):
            raise EvaluationError(goal.id, value.reason, {"goal": goal.id})
        reasons = tuple(
            replace(_rule_reason(rule, rule_value, frame_texts(texts, frame)), rule=where)
            for where, rule, rule_value, frame in reasons_of(found, goal.id)
        )
        goals[goal.id] = _goal_result(goal, value, texts, reasons)
    relevant = {item.where: item for item in found.next_questions()}
    wording = functools.partial(_instance_question, Wording(compiled, texts), relevant)
    return Evaluation(
        ruleset_id=compiled.ruleset.id,
        version=compiled.ruleset.version,
        content_hash=compiled.content_hash,
        as_of=day,
        locale=texts.locale,
        answers={**document(answers), **scale_answers(answers.plain(), texts.money)},
        goals=goals,
        next_questions=NextQuestions(list(relevant), wording),
        ignored_answers=tuple(ignored(compiled, answers, found)),
        engine=engine,
        trace=trace(compiled, env) if with_trace else (),
        instances=_instances(compiled, texts, env, found.instance_reasons),
    )


def _instance_question(
    wording: Wording, relevant: Mapping[str, Relevant], where: str
) -> NextQuestion:
    """The next question at `where` (a claim with collections), worded when first read."""
    parts = wording.parts(relevant[where])
    parts["why"] = tuple(Why(*why) for why in parts["why"])
    return NextQuestion(**parts)


def choose_locale(compiled: CompiledRuleSet, wanted: str | Sequence[str] | None) -> str:
    """The first wanted language the version has (or its base language), else the default.

    `wanted` is one language or several, best first (an explicit choice, or the tags of an
    Accept-Language header by quality): a regional tag (de-AT) falls back to its language
    (de) before the next, less wanted tag is tried (RFC 4647 lookup).
    """
    tags = [wanted] if isinstance(wanted, str) else list(wanted or ())
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


def _declaring(ruleset: RuleSet) -> list[Question | Goal]:
    """The questions and goals that may declare a currency or scale (collections' too)."""
    found: list[Question | Goal] = [*ruleset.questions, *ruleset.goals]
    stack = list(ruleset.collections)
    while stack:
        c = stack.pop()
        found += [*c.questions, *c.goals]
        stack.extend(c.collections)
    return found


def _run_checks(
    compiled: CompiledRuleSet, texts: Texts, answers: Answers, day: dt.date | None
) -> None:
    """Refuse answers a check finds definitely false, at every question the check concerns.

    The checks of a collection's questions run in each instance (pointers name it).
    """
    day = day or answer_checks.today()
    errors = instance_check_errors(compiled.collections, texts, texts.env, day=day)
    if not compiled.checks:
        if errors:
            raise AnswerError(errors)
        return
    env: Env = {**texts.env, answer_checks.TODAY: day}
    for check in compiled.checks:
        outcome = check.evaluate(env) if check.question in answers.values else True
        if outcome is False or isinstance(outcome, Failure):
            question = compiled.questions[check.question]
            message = texts.render(question.checks[check.index].message)
            for concerned in check.concerns:
                errors.setdefault(pointer(concerned), []).append(
                    message or "the answer does not fit other answers"
                )
    if errors:
        raise AnswerError(errors)


def _goals(compiled: CompiledRuleSet, texts: Texts, found: Walk) -> dict[str, GoalResult]:
    results: dict[str, GoalResult] = {}
    reasons: dict[str, Reason] = {}  # a rule shared by several goals is explained once
    for goal in compiled.ruleset.goals:
        value = texts.env[goal.id]
        if isinstance(value, Failure):
            raise EvaluationError(goal.id, value.reason, {"goal": goal.id})
        results[goal.id] = _goal_result(
            goal,
            value,
            texts,
            reasons_in_order(  # those that quote nothing are constants of the version
                compiled,
                found.reasons[goal.id],
                texts.env,
                texts.locale,
                reasons,
                lambda r: _reason(compiled, r, texts),
            ),
        )
    return results


def _goal_result(goal: Goal, value: Value, texts: Texts, reasons: tuple[Reason, ...]) -> GoalResult:
    money = texts.money.get(goal.id)
    places = money.places if money is not None else None
    return GoalResult(
        id=goal.id,
        type=goal.type,
        value=_typed(value, goal.type, places) if is_known(value) else None,
        decided=is_known(value),
        label=localize(goal.label, texts.locale, texts.default_locale),
        reasons=reasons,
        currency=money.currency if money is not None else None,
        decimal_places=places if goal.type == "decimal" else None,
    )


def _typed(
    value: Value, goal_type: str, places: int | None = None
) -> bool | int | Decimal | str | dt.date:
    if goal_type == "decimal" and isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    assert not isinstance(value, Unknown | Failure)
    return scaled(value, places) if isinstance(value, Decimal) else value


def _reason(compiled: CompiledRuleSet, rule_id: str, texts: Texts) -> Reason:
    return _rule_reason(compiled.rules_by_id[rule_id], texts.env[rule_id], texts)


def _rule_reason(rule: Rule, value: Value, texts: Texts) -> Reason:
    text = rule.explanation_true if value is True else rule.explanation_false
    rendered = texts.render(text)
    if rendered is None:
        rendered = localize(rule.title, texts.locale, texts.default_locale)
    return Reason(
        rule.id, value if isinstance(value, bool) else None, rendered, rule.legal_reference
    )


def _next_question(compiled: CompiledRuleSet, qid: str, found: Walk, texts: Texts) -> NextQuestion:
    question = compiled.questions[qid]
    locale, default = texts.locale, texts.default_locale
    return NextQuestion(
        question=question,
        label=texts.render(question.label) or qid,
        help=texts.render(question.help),
        options=tuple(
            (o.value, localize(o.label, locale, default) or o.value) for o in question.options
        ),
        why=_whys(compiled, found.relevant[qid][1], locale),
    )


def _whys(compiled: CompiledRuleSet, contexts: list[str], locale: str) -> tuple[Why, ...]:
    """Why a question is asked, once per distinct sentence (two goals may give the same one)."""
    found: dict[str, Why] = {}
    for context in contexts:
        reference, text = why_asked(compiled, context, locale)
        found.setdefault(text, Why(context, reference, text))
    return tuple(found.values())


def trace(compiled: CompiledRuleSet, env: Mapping[Any, Value]) -> tuple[TraceStep, ...]:
    """Every named value in evaluation order with the scalar inputs it read.

    Each instance's values follow, named by JSON Pointer (`/children/c1/amount`).
    """
    steps = []
    for name in compiled.order:
        named = compiled.named[name]
        inputs = {r: _plain(env[r]) for r in named.reads if r in env}
        steps.append(TraceStep(name, named.kind, inputs, _plain(env[name]), named.legal_reference))
    steps.extend(TraceStep(*step) for step in instance_trace(compiled.collections, env))
    return tuple(steps)


def _plain(value: Value) -> Any:
    if value is UNKNOWN:
        return None
    if isinstance(value, Failure):
        return {"error": value.reason}
    return to_plain(value)
