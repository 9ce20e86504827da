"""Whether a replay reproduced a recorded trace, as cheaply as the usual cases allow.

The trace computed now is written as the store wrote it (`trace_text`) and compared with
the stored text unparsed: equal texts hold equal values. Under the recorded version it is
written whole (nearly always the same); under another, piece by piece, stopping where the
texts part (as often at the first steps as at the last). Where they differ the texts agree
up to some step; in a version without collections that step alone is read from the stored
text and compared by value: if it differs, with its name nowhere later in the text, it is
the first difference, and a step of a rule the version has not differs too. Otherwise the
recorded trace is parsed whole and compared by rule, as the single replay compares it:
in step order while the names keep in step, stopping at the first step that differs; by
name where they do not.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from typing import Any

from eligibility.batch.trace_text import WRITERS, Template, common_prefix, template
from eligibility.compiler import CompiledRuleSet
from eligibility.decisions import Difference
from eligibility.decisions.recorded import Recorded
from eligibility.evaluation import trace
from eligibility.expressions.values import Value
from eligibility.values_io import trace_value

Step = dict[str, Any]
_DECODER = json.JSONDecoder()


def trace_difference(
    record: Recorded, version: CompiledRuleSet, env: Mapping[Any, Value]
) -> Difference | None:
    """A rule whose step differs from the recorded trace; None where none does.

    The first (`first_difference`), but for a recorded step of a rule `version` has not,
    found where the texts part: that one (a job asks only whether some step differs).

    The append stores a record's canonical text (keys sorted: a step begins with its
    inputs; SQLite records stored before, the JSON type's); the trace of `env` is written
    the same way.
    """
    text = record.trace_text
    writer = "canonical" if text.startswith('[{"inputs":') else "json"
    same = record.content_hash == version.content_hash
    if version.collections:  # written whole only where it is likely the same
        if same and WRITERS[writer](list(steps(version, env))) == text:
            return None
        return first_difference(record.trace, version, env)
    made = template(version, writer, env)
    if same:  # reproduced whole, nearly always: written at once and compared
        pieces = made.pieces(env)
        written = "".join(pieces)
        if written == text:
            return None
        starts = made.step_starts(pieces)
        index = bisect_right(starts, common_prefix(text, written)) - 1
    else:  # under another version they part early as often as late: written until they part
        parted = made.parting(env, text)
        if parted is None:
            return None
        starts, index = parted.starts, len(parted.starts) - 1
    found = _where_parted(text, index, starts, made, version, env)
    return found if found is not None else first_difference(record.trace, version, env)


def _where_parted(
    text: str,
    index: int,
    starts: list[int],
    made: Template,
    version: CompiledRuleSet,
    env: Mapping[Any, Value],
) -> Difference | None:
    """A step that shows the trace differs, read at the step where the texts part; else None.

    The steps before it are the same text, so the same values under the same names. It is
    the first difference when the recorded step there has the same name and other values,
    and that name is not recorded again later (the single replay keys steps by name). A
    recorded step of a rule `version` has not differs too (the single replay would find
    the same trace otherwise only if that rule were computed now): that step is the difference.
    """
    if index < 0 or not text.startswith("{", starts[index]):
        return None
    try:
        old, end = _DECODER.raw_decode(text, starts[index])
    except ValueError:
        return None
    if type(old) is not dict:
        return None
    name = version.order[index]
    if old.get("name") != name:
        other = old.get("name")
        if type(other) is str and other not in version.named:
            return Difference(f"trace.{other}", _without_name(old), None)
        return None
    new = _step(version, env, name, {})
    if old == new or text.find(made.dumps({"name": name})[1:-1], end) >= 0:
        return None
    return _difference(name, old, new)


def first_difference(
    recorded: list[Step], version: CompiledRuleSet, env: Mapping[Any, Value]
) -> Difference | None:
    """The first rule whose step differs (`trace.<name>`); None when every step is the same."""
    made = steps(version, env)
    seen: list[Step] = []
    if len({s.get("name") for s in recorded}) == len(recorded):  # each rule once, as recorded
        for old in recorded:
            new = next(made, None)
            if new is None or new["name"] != old.get("name"):
                seen += [new] if new is not None else []
                break  # out of step: compared by name below
            if old != new:
                return _difference(new["name"], old, new)
            seen.append(new)
        else:
            extra = next(made, None)
            if extra is None:
                return None
            seen.append(extra)
    before, after = _by_rule(recorded), _by_rule([*seen, *made])
    if before == after:  # the same values, in another order
        return None
    name = next(n for n in [*after, *before] if before.get(n) != after.get(n))
    return Difference(f"trace.{name}", before.get(name), after.get(name))


def _difference(name: str, old: Step, new: Step) -> Difference:
    return Difference(f"trace.{name}", _without_name(old), _without_name(new))


def _by_rule(found: list[Step]) -> dict[str, Step]:
    return {s["name"]: _without_name(s) for s in found}


def _without_name(step: Step) -> Step:
    return {k: v for k, v in step.items() if k != "name"}


def steps(version: CompiledRuleSet, env: Mapping[Any, Value]) -> Iterator[Step]:
    """The trace as a decision records it (`outcome_of`), step by step, each value plain once."""
    if version.collections:
        for s in trace(version, env):  # inputs and results plain already
            yield {
                "name": s.name,
                "kind": s.kind,
                "inputs": dict(s.inputs),
                "result": s.result,
                "legal_reference": s.legal_reference,
            }
        return
    plain: dict[str, Any] = {}
    for name in version.order:
        yield _step(version, env, name, plain)


def _step(
    version: CompiledRuleSet, env: Mapping[Any, Value], name: str, plain: dict[str, Any]
) -> Step:
    """A step as `evaluation.trace` writes it without collections (`plain`: values so far)."""
    named = version.named[name]
    for read in (*named.reads, name):
        if read not in plain and read in env:
            plain[read] = trace_value(env[read])
    return {
        "name": name,
        "kind": named.kind,
        "inputs": {r: plain[r] for r in named.reads if r in env},
        "result": plain[name],
        "legal_reference": named.legal_reference,
    }
