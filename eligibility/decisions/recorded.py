"""A recorded decision as a replay job reads it: what it replays, its reasons and trace as text.

A job replays most decisions to the same outcome, and then only asks whether the trace
was reproduced; the stored text of the trace answers that without parsing it
(`batch.replayed`). Reasons and trace are parsed only for the decisions that need them,
and what is parsed is parsed by orjson (`loads`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import orjson

from eligibility.decisions.record import Decision


def loads(text: str | bytes) -> Any:
    """JSON text parsed as `json.loads` parses it; by orjson (~2-3x faster) where it can.

    orjson refuses a little that `json` reads (integers beyond 64 bits, lone surrogates,
    NaN): that text is parsed by `json`, so the result is the same either way.
    """
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


@dataclass(frozen=True)
class Recorded:
    """The columns of a recorded decision a replay needs; reasons and trace as stored (JSON)."""

    sequence: int
    id: str
    ruleset_id: str
    version: str
    content_hash: str
    as_of: dt.date
    locale: str
    answers: Mapping[str, Any]
    goals: Mapping[str, Any]
    reasons_text: str
    trace_text: str

    @classmethod
    def of(cls, decision: Decision) -> Recorded:
        """A decision held in full (memory storage, tests) as a job reads it."""
        return cls(
            decision.sequence,
            decision.id,
            decision.ruleset_id,
            decision.version,
            decision.content_hash,
            decision.as_of,
            decision.locale,
            decision.answers,
            decision.goals,
            json.dumps(decision.reasons),
            json.dumps(list(decision.trace)),
        )

    @cached_property
    def reasons(self) -> dict[str, Any]:
        """The recorded reasons, parsed when first asked for."""
        return loads(self.reasons_text)  # type: ignore[no-any-return]

    @cached_property
    def trace(self) -> list[dict[str, Any]]:
        """The recorded trace, parsed when first asked for."""
        return loads(self.trace_text)  # type: ignore[no-any-return]
