"""The pure-Python evaluator: every named value in dependency order, once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from eligibility.answers import Answers
from eligibility.codegen import program
from eligibility.compiled_parts import ScopePath
from eligibility.compiler import CompiledRuleSet
from eligibility.engine.instances import attach
from eligibility.expressions.values import UNKNOWN, Value


def base_environment(
    compiled: CompiledRuleSet, answers: Mapping[str, Value], as_of: dt.date
) -> dict[str, Value]:
    """Parameters, `as_of` and every question's answer (UNKNOWN when not answered)."""
    unanswered = compiled.unanswered
    env: dict[str, Value] = {**compiled.constants, "as_of": as_of, **unanswered}
    if answers.keys() <= unanswered.keys():  # parsed answers: only the version's questions
        env.update(answers)
    else:
        for qid in unanswered:
            env[qid] = answers.get(qid, UNKNOWN)
    return env


def compute(
    compiled: CompiledRuleSet,
    answers: Mapping[str, Value],
    as_of: dt.date,
    instances: Mapping[str, tuple[Answers, ...]] | None = None,
) -> dict[str, Value]:
    """The value of every question, parameter, derived value, rule and goal.

    A version's generated program computes them (`eligibility.codegen`), or the closures
    where the generator does not write the version's constructs yet. With collections, each
    instance's values are computed in its own environment, held by the root's (see
    `engine/instances.py`).
    """
    env = base_environment(compiled, answers, as_of)
    if compiled.steps:
        _compute_entities(compiled, env, instances or {})
        return env
    generated = program(compiled)  # None when the version needs the closures (see codegen)
    if generated is None:
        _run_closures(compiled, env)
    else:
        generated.run(env)
    return env


def compute_closures(
    compiled: CompiledRuleSet,
    answers: Mapping[str, Value],
    as_of: dt.date,
    instances: Mapping[str, tuple[Answers, ...]] | None = None,
) -> dict[str, Value]:
    """`compute` on the closures alone: the reference the generated program is tested against."""
    env = base_environment(compiled, answers, as_of)
    if compiled.steps:
        _compute_entities(compiled, env, instances or {})
    else:
        _run_closures(compiled, env)
    return env


def _run_closures(compiled: CompiledRuleSet, env: dict[Any, Any]) -> None:
    named = compiled.named
    for name in compiled.order:
        env[name] = named[name].evaluate(env)


def _compute_entities(
    compiled: CompiledRuleSet, env: dict[Any, Any], instances: Mapping[str, tuple[Answers, ...]]
) -> None:
    by_path: dict[ScopePath, list[dict[Any, Any]]] = {(): [env]}
    attach(env, compiled.collections, instances, by_path)
    scopes = entity_scopes(compiled)
    for path, name in compiled.steps:
        evaluate = scopes[path].named[name].evaluate
        for target in by_path.get(path, ()):
            target[name] = evaluate(target)


def entity_scopes(compiled: CompiledRuleSet) -> dict[ScopePath, Any]:
    """The compiled entity kinds of a version by path: the root, then every collection."""
    found: dict[ScopePath, Any] = {(): compiled}
    stack = list(compiled.collections.values())
    while stack:
        current = stack.pop()
        found[current.path] = current
        stack.extend(current.collections.values())
    return found
