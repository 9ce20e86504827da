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


def loads(text: str | bytes, numbers_read: bool = True) -> Any:
    """JSON text parsed as `json.loads` parses it; by orjson (~2-3x faster) where it can.

    orjson refuses a little that `json` reads (lone surrogates, NaN), which `json` then
    parses; and it reads an integer beyond 64 bits as a float where `json` keeps an int,
    so a text with 19 digits in a row (such an integer, or only a long decimal) goes to
    `json` at once: the digits found by one `translate` and one substring search (~1 µs
    a KB, against orjson's ~2 and json's ~4.5). The result is the same either way.

    `numbers_read=False` where no number of the text is read (a decision's reasons: rule
    ids, texts, truth values and null): the search is skipped, ~40 % of parsing a
    Kurzarbeitergeld decision's reasons, most of them German text.
    """
    source = text if isinstance(text, str) else bytes(text)  # a driver may hand a memoryview
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    if numbers_read and _LONG_NUMBER in data.translate(_DIGITS):
        return json.loads(source)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(source)


_DIGITS = bytes.maketrans(b"012345678", b"999999999")  # every digit a 9: a run shows as 9s
_LONG_NUMBER = b"9" * 19  # the shortest integer that may lie beyond 64 bits


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
