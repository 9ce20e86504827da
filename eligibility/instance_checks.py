"""The checks of collections' questions, run in every instance that answered them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from eligibility.answer_checks import TODAY, today
from eligibility.compiled_parts import CompiledCollection
from eligibility.expressions.aggregates import Instances, collection_key
from eligibility.expressions.values import Failure, is_known
from eligibility.texts import Texts


def instance_check_errors(
    collections: Mapping[str, CompiledCollection],
    texts: Texts,
    env: Mapping[Any, Any],
    at: str = "",
    enclosing: tuple[str, ...] = ("",),
    day: dt.date | None = None,
) -> dict[str, list[str]]:
    """{pointer: [messages]} for each answer a check of its instance finds definitely false.

    `enclosing` holds the pointers of the entities around the instances, the root's ("") first:
    a refusal names the enclosing entities' answers the check read there. `day` is `today`.
    """
    errors: dict[str, list[str]] = {}
    day = day or today()
    for cid, compiled in collections.items():
        items: Instances = env[collection_key(cid)]
        for iid, inner in items:
            where = f"{at}/{cid}/{iid}"
            local = texts.within(inner, compiled.parents)
            for check in compiled.checks:
                if not _answered(inner, check.question):
                    continue
                outcome = check.evaluate({**inner, TODAY: day} if TODAY in check.reads else inner)
                if outcome is False or isinstance(outcome, Failure):
                    question = compiled.questions[check.question]
                    message = local.render(question.checks[check.index].message)
                    pointers = [f"{where}/{concerned}" for concerned in check.concerns]
                    pointers += [f"{enclosing[-up]}/{qid}" for up, qid in check.above]
                    for concerned in pointers:
                        errors.setdefault(concerned, []).append(
                            message or "the answer does not fit other answers"
                        )
            nested = instance_check_errors(
                compiled.collections, texts, inner, where, (*enclosing, where), day
            )
            for key, messages in nested.items():
                errors.setdefault(key, []).extend(messages)
    return errors


def _answered(env: Mapping[Any, Any], question: str) -> bool:
    return is_known(env[question])
