"""The pure-Python evaluator: every named value in dependency order, once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from eligibility.compiler import CompiledRuleSet
from eligibility.expressions.values import UNKNOWN, Value


def base_environment(
    compiled: CompiledRuleSet, answers: Mapping[str, Value], as_of: dt.date
) -> dict[str, Value]:
    """Parameters, `as_of` and every question's answer (UNKNOWN when not answered)."""
    env: dict[str, Value] = dict(compiled.constants)
    env["as_of"] = as_of
    for qid in compiled.questions:
        env[qid] = answers.get(qid, UNKNOWN)
    return env


def compute(
    compiled: CompiledRuleSet, answers: Mapping[str, Value], as_of: dt.date
) -> dict[str, Value]:
    """The value of every question, parameter, derived value, rule and goal."""
    env = base_environment(compiled, answers, as_of)
    named = compiled.named
    for name in compiled.order:
        env[name] = named[name].evaluate(env)
    return env
