"""Sealing a draft cheaply: its canonical text worked out once, before the chain's lock.

A record's hash is sha256(previous hash + canonical content), and the content holds
two values known only when the record takes its place: `sequence` and `recorded_at`.
Everything else is written to canonical text once (`PreparedDraft.of`); placing the
record then joins the texts around those two values, so the work under the chain's
lock is one sha256. The canonical content is a JSON object with sorted keys, so it
is exactly the joined text of each field's canonical text (`Decision.content` is the
reference: verification recomputes every hash from it). A store that holds the
documents' text already joins the content itself from the short glue texts between
them (`Frame`), so nothing is sent to it twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from eligibility.decisions.canonical import QUOTED, canonical_text
from eligibility.decisions.record import (
    CONTENT_FIELDS,
    LATER_FIELDS,
    Decision,
    DecisionDraft,
    sha256,
    timestamp,
)

PLACED = ("recorded_at", "sequence")  # known only when the record takes its place
# The content fields a store can join from texts it holds already (the documents it stores,
# and the sequence number it assigns), in the canonical (sorted) order of the content.
SLOTS = ("answers", "goals", "ignored_answers", "reasons", "sequence", "trace")
_AT = SLOTS.index("sequence")


_KEYS = {name: QUOTED(name) + ":" for name in CONTENT_FIELDS}


@dataclass(frozen=True)
class Halves:
    """The canonical content of a placed record around its sequence number."""

    left: str  # "{…,"sequence":
    right: str  # ,…}

    def hash(self, prev_hash: str, sequence: int) -> str:
        """The record's hash at this place of the chain."""
        return sha256(f"{prev_hash}{self.left}{sequence}{self.right}")


@dataclass(frozen=True)
class Frame:
    """The canonical content of a placed record as glue texts around its slots (SLOTS)."""

    glue: tuple[str, ...]  # len(SLOTS) + 1 texts: before the first slot, between, after the last
    documents: tuple[str, ...]  # the canonical texts of the slots but `sequence`, in order

    def halves(self) -> Halves:
        """The same content as text before and after the sequence number."""
        glue, documents = self.glue, self.documents
        left = "".join([glue[n] + documents[n] for n in range(_AT)]) + glue[_AT]
        after = [glue[n + 1] + documents[n] for n in range(_AT, len(documents))]
        return Halves(left, "".join(after) + glue[-1])


@dataclass(frozen=True)
class PreparedDraft:
    """A draft with the canonical text and digest of every content field it knows."""

    draft: DecisionDraft
    texts: Mapping[str, str]
    digests: Mapping[str, str]

    @classmethod
    def of(cls, draft: DecisionDraft) -> PreparedDraft:
        """Write the draft's content fields to canonical text (each once)."""
        texts = {
            name: canonical_text(getattr(draft, name))
            for name in CONTENT_FIELDS
            if name not in PLACED and not (name in LATER_FIELDS and getattr(draft, name) is None)
        }
        return cls(draft, texts, {name: sha256(text) for name, text in texts.items()})

    def halves(self, recorded_at: dt.datetime) -> Halves:
        """The content as text before and after the sequence number, recorded at this time."""
        return self.frame(recorded_at).halves()

    def frame(self, recorded_at: dt.datetime) -> Frame:
        """The content recorded at this time, as glue around the slots (see SLOTS)."""
        texts = {**self.texts, "recorded_at": _recorded_text(recorded_at)}
        glue: list[str] = []
        current = "{"
        for n, name in enumerate(sorted([*texts, "sequence"])):
            current += ("," if n else "") + _KEYS[name]
            if name in SLOTS:
                glue.append(current)
                current = ""
            else:
                current += texts[name]
        glue.append(current + "}")
        documents = tuple(texts[name] for name in SLOTS if name != "sequence")
        return Frame(tuple(glue), documents)

    def placed_digests(self, recorded_at: dt.datetime) -> dict[str, str]:
        """Every field's digest once the record is recorded at this time (but `sequence`'s)."""
        return {**self.digests, "recorded_at": sha256(_recorded_text(recorded_at))}

    def seal(self, sequence: int, prev_hash: str, recorded_at: dt.datetime) -> Decision:
        """The record at this place of the chain, with its digests and hash."""
        record_hash = self.halves(recorded_at).hash(prev_hash, sequence)
        return self.placed(sequence, prev_hash, record_hash, recorded_at)

    def placed(
        self, sequence: int, prev_hash: str, record_hash: str, recorded_at: dt.datetime
    ) -> Decision:
        """The record as sealed at this place (its hash worked out already)."""
        digests = self.placed_digests(recorded_at)
        digests["sequence"] = sha256(str(sequence))
        return Decision(
            **self.draft.__dict__,
            sequence=sequence,
            recorded_at=recorded_at.astimezone(dt.UTC),
            prev_hash=prev_hash,
            hash=record_hash,
            field_digests=digests,
        )


def seal(
    draft: DecisionDraft, sequence: int, prev_hash: str, recorded_at: dt.datetime
) -> Decision:
    """A draft as the record at this place of the chain, with its digests and hash."""
    return PreparedDraft.of(draft).seal(sequence, prev_hash, recorded_at)


@lru_cache(maxsize=4)  # a batch's records share their time: written once
def _recorded_text(recorded_at: dt.datetime) -> str:
    return QUOTED(timestamp(recorded_at))
