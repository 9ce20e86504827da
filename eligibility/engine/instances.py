"""The environments of a claim with collections: one per instance, linked to its parent's.

An instance's environment holds its answers and computed values and, under `PARENT`, its
parent's environment (for `household.state`); the parent holds each collection's `Instances`
(for aggregates). Values are computed in the compiled order across entities.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eligibility.answers import Answers
from eligibility.compiled_parts import CompiledCollection, ScopePath
from eligibility.expressions.aggregates import PARENT, Instances, collection_key
from eligibility.expressions.values import UNKNOWN

Env = dict[Any, Any]


def attach(
    env: Env,
    collections: Mapping[str, CompiledCollection],
    answers: Mapping[str, tuple[Answers, ...]],
    by_path: dict[ScopePath, list[Env]],
) -> None:
    """Give `env` the instances of its collections (recursively); note every env by entity."""
    for cid, compiled in collections.items():
        items = answers.get(cid, ())
        envs: list[Env] = []
        for item in items:
            inner: Env = {PARENT: env}
            for qid in compiled.questions:
                inner[qid] = item.values.get(qid, UNKNOWN)
            attach(inner, compiled.collections, item.collections, by_path)
            envs.append(inner)
        by_path.setdefault(compiled.path, []).extend(envs)
        env[collection_key(cid)] = _instances(compiled, env, [i.id or "" for i in items], envs)


def _instances(compiled: CompiledCollection, parent: Env, ids: list[str], envs: list[Env]) -> Any:
    c = compiled.collection
    answer = parent.get(c.completeness_question, UNKNOWN)
    if c.completeness == "how_many":
        declared = answer if isinstance(answer, int) and not isinstance(answer, bool) else None
        complete = True if declared is not None and declared == len(envs) else None
        return Instances(ids, envs, complete, declared, {i: k for k, i in enumerate(ids)})
    complete = True if answer is True else None  # "no one else": the list is complete
    return Instances(ids, envs, complete, None, {i: k for k, i in enumerate(ids)})
