"""Evaluation → Decision: the record a decision keeps, sealed into the hash chain."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from eligibility.decisions.canonical import QUOTED, canonical_text
from eligibility.evaluation import Evaluation, GoalResult
from eligibility.instance_results import all_instances
from eligibility.values_io import to_plain

GENESIS = "0" * 64  # the previous hash of the first record

# The fields a record's hash covers, in the order they are shown; `hash` and
# `field_digests` are derived from them and `prev_hash` is hashed in front.
CONTENT_FIELDS = (
    "id",
    "sequence",
    "ruleset_id",
    "version",
    "content_hash",
    "as_of",
    "locale",
    "answers",
    "goals",
    "reasons",
    "trace",
    "ignored_answers",
    "client",
    "idempotency_key",
    "request_hash",
    "recorded_at",
    "status",  # only in records made since statuses are recorded (see Decision.content)
    "session_id",  # only in records of a submitted interview session (see Decision.content)
)
# Content fields added after records were first made: left out of `content()` while empty,
# so records written before each existed keep their hash.
LATER_FIELDS = ("status", "session_id")
STATUSES = ("complete", "incomplete")
OUTCOME_PARTS = ("goals", "reasons", "trace", "ignored_answers")
# What else a record stores: the chain's own fields, and columns derived from the content
# for filtering (verification checks each against the content, so none can lie unnoticed).
CHAIN_FIELDS = ("prev_hash", "hash", "field_digests")
DERIVED_COLUMNS = ("eligible",)


def outcome_of(evaluation: Evaluation) -> dict[str, Any]:
    """What a decision records of an evaluation: goals, reasons, trace, ignored answers (plain).

    Each instance's goals are recorded beside the root's, keyed by JSON Pointer
    (`/children/c1/amount`), so replay and what-if compare them like any goal; a version
    without collections records (and hashes) exactly what it did before.
    """
    goals = dict(evaluation.goals)
    for item in all_instances(evaluation.instances):
        goals.update({f"{item.pointer}/{k}": g for k, g in item.goals.items()})
    return {
        "goals": {k: _goal(g) for k, g in goals.items()},
        "reasons": {
            k: [
                {
                    "rule": r.rule,
                    "value": r.value,
                    "text": r.text,
                    "legal_reference": r.legal_reference,
                }
                for r in g.reasons
            ]
            for k, g in goals.items()
        },
        "trace": [
            {
                "name": s.name,
                "kind": s.kind,
                "inputs": dict(s.inputs),  # trace steps hold plain values (evaluation.trace)
                "result": s.result,
                "legal_reference": s.legal_reference,
            }
            for s in evaluation.trace
        ],
        "ignored_answers": list(evaluation.ignored_answers),
    }


def _goal(goal: GoalResult) -> dict[str, Any]:
    """A goal as recorded: its value (an amount at its scale), decided, and its currency if any.

    The currency is recorded only when the version declares one, so records made under
    versions that declare none are written (and hashed) exactly as before.
    """
    recorded: dict[str, Any] = {"value": to_plain(goal.value), "decided": goal.decided}
    if goal.currency is not None:
        recorded["currency"] = goal.currency
    return recorded


@dataclass(frozen=True)
class DecisionDraft:
    """A decision before it joins the chain: everything but its place and hashes."""

    id: str
    ruleset_id: str
    version: str
    content_hash: str
    as_of: dt.date
    locale: str
    answers: Mapping[str, Any]
    goals: Mapping[str, Any]
    reasons: Mapping[str, Any]
    trace: tuple[Mapping[str, Any], ...]
    ignored_answers: tuple[str, ...]
    client: str
    request_hash: str
    idempotency_key: str | None = None
    # complete: every goal was decided; incomplete: some goal was still open (answers were
    # missing) and the client asked to record it anyway. None in records made before this.
    status: str | None = None
    # The interview session this decision submitted (one decision per session); None for a
    # decision recorded directly (POST /v1/decisions) and in records made before this.
    session_id: str | None = None

    @classmethod
    def from_evaluation(
        cls,
        decision_id: str,
        evaluation: Evaluation,
        client: str,
        request_hash: str,
        idempotency_key: str | None = None,
        session_id: str | None = None,
    ) -> DecisionDraft:
        """The draft of a decision recording this evaluation (of a session, if named)."""
        outcome = outcome_of(evaluation)
        return cls(
            id=decision_id,
            ruleset_id=evaluation.ruleset_id,
            version=evaluation.version,
            content_hash=evaluation.content_hash,
            as_of=evaluation.as_of,
            locale=evaluation.locale,
            answers=to_plain(dict(evaluation.answers)),
            goals=outcome["goals"],
            reasons=outcome["reasons"],
            trace=tuple(outcome["trace"]),
            ignored_answers=tuple(outcome["ignored_answers"]),
            client=client,
            request_hash=request_hash,
            idempotency_key=idempotency_key,
            status="complete" if evaluation.complete else "incomplete",
            session_id=session_id,
        )

    @property
    def eligible(self) -> bool | None:
        """The `eligible` goal when decided, else None."""
        goal = self.goals.get("eligible") or {}
        value = goal.get("value") if goal.get("decided") else None
        return value if isinstance(value, bool) else None

    @property
    def outputs(self) -> dict[str, Any]:
        """The values of the goals other than `eligible` (None when undecided)."""
        return {k: g.get("value") for k, g in self.goals.items() if k != "eligible"}

    def derived_columns(self) -> dict[str, Any]:
        """The columns stored beside the content for filtering, as the content defines them."""
        return {"eligible": self.eligible}


@dataclass(frozen=True)
class Decision(DecisionDraft):
    """A recorded decision: a draft sealed into the chain (sequence, time, previous hash, hash)."""

    sequence: int = 0
    recorded_at: dt.datetime = dt.datetime.min.replace(tzinfo=dt.UTC)
    prev_hash: str = GENESIS
    hash: str = ""
    # sha256 per content field as written: names the field a later edit touched.
    field_digests: Mapping[str, str] = field(default_factory=dict)
    # The derived columns as read back from storage (empty when not stored apart).
    stored_columns: Mapping[str, Any] = field(default_factory=dict, compare=False)
    # The documents' texts as read back from storage, where it keeps them as written
    # (PostgreSQL: the canonical text of the append); empty otherwise.
    stored_texts: Mapping[str, str] = field(default_factory=dict, compare=False)

    def content(self) -> dict[str, Any]:
        """The canonical content the hash covers (plain data)."""
        return to_plain(self._fields())  # type: ignore[no-any-return]

    def _fields(self) -> dict[str, Any]:
        """The content fields as held (not made plain), `recorded_at` as its timestamp."""
        return {name: self._field(name) for name in self._field_names()}

    def _field_names(self) -> tuple[str, ...]:
        """The content fields the hash covers: a later field only where it was recorded."""
        return tuple(
            name
            for name in CONTENT_FIELDS
            if name not in LATER_FIELDS or getattr(self, name) is not None
        )

    def _field(self, name: str) -> Any:
        """One content field as held (`recorded_at` as its timestamp)."""
        value = getattr(self, name)
        return timestamp(value) if name == "recorded_at" else value

    def canonical_texts(self) -> dict[str, str]:
        """Each content field's canonical text (canonical_json's, by `canonical_text`)."""
        return {name: canonical_text(value) for name, value in self._fields().items()}

    def texts_and_digests(self) -> tuple[dict[str, str], dict[str, str]]:
        """Each content field's canonical text and its sha256, as verification needs them.

        A stored text whose sha256 is the digest recorded for its field is that field's
        canonical text byte for byte (it hashes to what was recorded), so it is taken as
        it is instead of written again from the value read (`stored_texts`); any other
        field's text is written from its value (`canonical_text`), so a document stored in
        another writing of the same content (spaces, key order) still verifies.
        """
        recorded, stored = self.field_digests, self.stored_texts
        texts: dict[str, str] = {}
        digests: dict[str, str] = {}
        for name in self._field_names():
            text = stored.get(name)
            digest = sha256(text) if text is not None else ""
            if text is None or digest != recorded.get(name):
                text = canonical_text(self._field(name))  # the value read, only here
                digest = sha256(text)
            texts[name], digests[name] = text, digest
        return texts, digests

    def digests(self, texts: Mapping[str, str] | None = None) -> dict[str, str]:
        """sha256 of each content field's canonical text (`texts`, when worked out already)."""
        found = self.canonical_texts() if texts is None else texts
        return {name: sha256(text) for name, text in found.items()}

    def computed_hash(self, texts: Mapping[str, str] | None = None) -> str:
        """sha256(previous hash + canonical content), as hex.

        The content is a JSON object with sorted keys, so its canonical text is the
        fields' canonical texts joined under their keys in that order (`texts`, when
        worked out already): each document is written once, and by orjson where that
        writes the same text (`canonical`; `canonical_json(content())` is the reference
        the tests hold this to).
        """
        found = self.canonical_texts() if texts is None else texts
        joined = ",".join(f"{QUOTED(name)}:{found[name]}" for name in sorted(found))
        return sha256(f"{self.prev_hash}{{{joined}}}")

    def to_dict(self) -> dict[str, Any]:
        """The whole record as plain data (export, API)."""
        data = self.content()
        data.update(
            prev_hash=self.prev_hash,
            hash=self.hash,
            eligible=self.eligible,
            status=self.status,
            session_id=self.session_id,
        )
        return data


def timestamp(value: dt.datetime) -> str:
    """A moment as the content records it: UTC, ISO 8601, microseconds."""
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def sha256(text: str) -> str:
    """sha256 of the text's UTF-8 bytes, as hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
