"""The one evaluation use case: find the version that governs a claim, then evaluate it.

Stateless evaluations, interview sessions, decisions, replay and the CLI all evaluate
through an `Evaluator`, so the catalogue (which version, as of which day, who may see
drafts) and the engine setting (durable or pure) apply the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eligibility.catalogue import Catalogue, StoredSource
from eligibility.compiler import CompiledRuleSet
from eligibility.evaluation import EngineName, Evaluation, choose_locale, evaluate
from eligibility.interview_state import InterviewState
from eligibility.ports import Storage
from eligibility.values_io import content_hash


@dataclass(frozen=True)
class EvaluationRequest:
    """What a caller asks: rule set, a version or the claim's date, answers, languages."""

    ruleset_id: str
    answers: Mapping[str, Any]
    version: str | None = None
    as_of: dt.date | None = None
    locales: tuple[str, ...] = ()  # best first: an explicit choice, or Accept-Language tags
    with_trace: bool = False

    def fingerprint(self, locale: str) -> str:
        """sha256 of the request in `locale`, to tell a retry from another request."""
        return content_hash(
            {
                "ruleset": self.ruleset_id,
                "version": self.version,
                "as_of": self.as_of,
                "locale": locale,
                "answers": dict(self.answers),
            }
        )


@dataclass(frozen=True)
class Evaluator:
    """Evaluates claims under the versions of one catalogue, with one engine."""

    catalogue: Catalogue
    engine: EngineName = "durable"
    # Told of every evaluation's version (the API counts them for its metrics).
    on_evaluated: Callable[[CompiledRuleSet], None] | None = None

    def evaluate(self, request: EvaluationRequest, drafts: bool = False) -> Evaluation:
        """The request evaluated under the version that governs it."""
        selection = self.catalogue.resolve(
            request.ruleset_id, request.version, request.as_of, drafts, request.answers
        )
        return self.evaluate_under(
            selection.compiled,
            request.answers,
            selection.as_of,
            request.locales,
            request.with_trace,
        )

    def evaluate_under(
        self,
        compiled: CompiledRuleSet,
        answers: Mapping[str, Any],
        as_of: dt.date | None,
        locales: Sequence[str] = (),
        with_trace: bool = False,
        state: InterviewState | None = None,
    ) -> Evaluation:
        """Answers evaluated under a version the caller already holds (a session's, a replay's).

        `as_of` None: as of the version's first day. `state`: an interview's, so that only
        what changed since its last step is computed.
        """
        if self.on_evaluated is not None:
            self.on_evaluated(compiled)
        return evaluate(
            compiled,
            answers,
            as_of=as_of,
            locale=locales,
            engine=self.engine,
            with_trace=with_trace,
            state=state,
        )

    def locale(self, compiled: CompiledRuleSet, locales: Sequence[str]) -> str:
        """The language a response about this version is given in."""
        return choose_locale(compiled, locales)


def stored_evaluator(store: Storage, engine: EngineName = "durable") -> Evaluator:
    """An evaluator over the versions in storage (remembering nothing between calls)."""
    return Evaluator(Catalogue(StoredSource(store)), engine)
