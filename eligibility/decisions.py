"""Evaluation → Decision (hash-chained record), chain verification, and replay with differences."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from eligibility.compiler import CompiledRuleSet
from eligibility.errors import EligibilityError
from eligibility.evaluation import Evaluation, evaluate
from eligibility.values_io import canonical_json, content_hash, to_plain

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
)
OUTCOME_PARTS = ("goals", "reasons", "trace", "ignored_answers")


def outcome_of(evaluation: Evaluation) -> dict[str, Any]:
    """What a decision records of an evaluation: goals, reasons, trace, ignored answers (plain)."""
    return {
        "goals": {
            k: {"value": to_plain(g.value), "decided": g.decided}
            for k, g in evaluation.goals.items()
        },
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
            for k, g in evaluation.goals.items()
        },
        "trace": [
            {
                "name": s.name,
                "kind": s.kind,
                "inputs": to_plain(dict(s.inputs)),
                "result": to_plain(s.result),
                "legal_reference": s.legal_reference,
            }
            for s in evaluation.trace
        ],
        "ignored_answers": list(evaluation.ignored_answers),
    }


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

    @classmethod
    def from_evaluation(
        cls,
        decision_id: str,
        evaluation: Evaluation,
        client: str,
        request_hash: str,
        idempotency_key: str | None = None,
    ) -> DecisionDraft:
        """The draft of a decision recording this evaluation."""
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
        )

    def seal(self, sequence: int, prev_hash: str, recorded_at: dt.datetime) -> Decision:
        """The record at this place of the chain, with its digests and hash."""
        unsealed = Decision(
            **self.__dict__,
            sequence=sequence,
            recorded_at=recorded_at.astimezone(dt.UTC),
            prev_hash=prev_hash,
            hash="",
        )
        return replace(unsealed, hash=unsealed.computed_hash(), field_digests=unsealed.digests())


@dataclass(frozen=True)
class Decision(DecisionDraft):
    """A recorded decision: a draft sealed into the chain (sequence, time, previous hash, hash)."""

    sequence: int = 0
    recorded_at: dt.datetime = dt.datetime.min.replace(tzinfo=dt.UTC)
    prev_hash: str = GENESIS
    hash: str = ""
    # sha256 per content field as written: names the field a later edit touched.
    field_digests: Mapping[str, str] = field(default_factory=dict)

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

    def content(self) -> dict[str, Any]:
        """The canonical content the hash covers (plain data)."""
        data = {name: getattr(self, name) for name in CONTENT_FIELDS}
        data["recorded_at"] = _timestamp(self.recorded_at)
        return to_plain(data)  # type: ignore[no-any-return]

    def digests(self) -> dict[str, str]:
        """sha256 of each content field's canonical text."""
        return {name: content_hash(value) for name, value in self.content().items()}

    def computed_hash(self) -> str:
        """sha256(previous hash + canonical content), as hex."""
        text = self.prev_hash + canonical_json(self.content())
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """The whole record as plain data (export, API)."""
        data = self.content()
        data.update(prev_hash=self.prev_hash, hash=self.hash, eligible=self.eligible)
        return data


def _timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class ChainHead:
    """The last record of the hash chain: its sequence number and hash (0 and GENESIS if none)."""

    sequence: int
    hash: str


@dataclass(frozen=True)
class BrokenRecord:
    """The first record that fails verification, and why."""

    sequence: int
    id: str | None
    reason: str
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChainVerification:
    """The outcome of verifying the chain: ok, or the first broken record."""

    checked: int
    broken: BrokenRecord | None = None

    @property
    def ok(self) -> bool:
        """True when every record and the head check out."""
        return self.broken is None

    def __str__(self) -> str:
        if self.broken is None:
            return f"ok ({self.checked} records)"
        b = self.broken
        return f"broken at record #{b.sequence} ({b.id}): {b.reason}"


def check_record(record: Decision, expected_sequence: int, prev_hash: str) -> BrokenRecord | None:
    """Why this record breaks the chain after a record with `prev_hash`, or None."""
    if record.sequence != expected_sequence:
        return BrokenRecord(
            record.sequence,
            record.id,
            f"expected sequence {expected_sequence}, found {record.sequence} "
            + ("(records missing)" if record.sequence > expected_sequence else "(duplicate)"),
        )
    if record.prev_hash != prev_hash:
        return BrokenRecord(
            record.sequence,
            record.id,
            f"prev_hash {record.prev_hash[:12]}… does not match the previous record's hash "
            f"{prev_hash[:12]}…",
            ("prev_hash",),
        )
    changed = tuple(
        name
        for name, digest in record.digests().items()
        if record.field_digests.get(name) != digest
    )
    if changed:
        return BrokenRecord(
            record.sequence,
            record.id,
            "changed after it was recorded: " + ", ".join(changed),
            changed,
        )
    if record.computed_hash() != record.hash:
        return BrokenRecord(
            record.sequence, record.id, "hash does not match the record's content", ("hash",)
        )
    return None


def verify_chain(records: Iterable[Decision], head: ChainHead | None = None) -> ChainVerification:
    """Check every record in sequence order, then that the chain ends where its head says."""
    prev_hash, sequence, checked = GENESIS, 0, 0
    for record in records:
        broken = check_record(record, sequence + 1, prev_hash)
        if broken is not None:
            return ChainVerification(checked, broken)
        prev_hash, sequence, checked = record.hash, record.sequence, checked + 1
    if head is not None and (head.sequence, head.hash) != (sequence, prev_hash):
        reason = (
            f"the chain head says #{head.sequence} {head.hash[:12]}…, "
            f"the last record is #{sequence} {prev_hash[:12]}… (records removed or added)"
        )
        return ChainVerification(checked, BrokenRecord(sequence, None, reason, ("head",)))
    return ChainVerification(checked)


@dataclass(frozen=True)
class Difference:
    """One place where the replayed outcome differs from the recorded one."""

    path: str
    recorded: Any
    replayed: Any


@dataclass(frozen=True)
class ReplayResult:
    """A decision re-evaluated: under which version, and every difference found."""

    decision_id: str
    ruleset_id: str
    recorded_version: str
    replayed_version: str
    replayed_hash: str
    as_of: dt.date
    differences: tuple[Difference, ...] = ()
    error: str | None = None

    @property
    def identical(self) -> bool:
        """True when the replay reproduced the record exactly."""
        return not self.differences and self.error is None

    @property
    def goal_changes(self) -> dict[str, tuple[Any, Any]]:
        """Goals whose value or decidedness changed: goal → (recorded, replayed) values."""
        changes: dict[str, tuple[Any, Any]] = {}
        for d in self.differences:
            parts = d.path.split(".")
            if parts[0] == "goals" and (len(parts) == 2 or parts[2] == "value"):
                changes[parts[1]] = (d.recorded, d.replayed)
        return changes

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data."""
        return to_plain(  # type: ignore[no-any-return]
            {
                "decision_id": self.decision_id,
                "ruleset": self.ruleset_id,
                "recorded_version": self.recorded_version,
                "replayed_version": self.replayed_version,
                "replayed_content_hash": self.replayed_hash,
                "as_of": self.as_of,
                "identical": self.identical,
                "differences": [d.__dict__ for d in self.differences],
                "error": self.error,
            }
        )


def replay(
    decision: Decision, compiled: CompiledRuleSet, as_of: dt.date | None = None
) -> ReplayResult:
    """Re-evaluate a decision's answers under `compiled` and compare with what was recorded."""
    day = as_of or decision.as_of
    base = ReplayResult(
        decision.id,
        decision.ruleset_id,
        decision.version,
        compiled.ruleset.version,
        compiled.content_hash,
        day,
    )
    try:
        result = evaluate(
            compiled, decision.answers, as_of=day, locale=decision.locale, with_trace=True
        )
    except EligibilityError as error:
        return replace(base, error=f"{type(error).__name__}: {error}")
    recorded = _comparable(
        {
            "goals": decision.goals,
            "reasons": decision.reasons,
            "trace": decision.trace,
            "ignored_answers": decision.ignored_answers,
        }
    )
    replayed = _comparable(outcome_of(result))
    if recorded == replayed:  # the usual case: one comparison instead of a leaf-by-leaf walk
        return replace(base, differences=())
    return replace(base, differences=tuple(differences(recorded, replayed)))


def _comparable(outcome: Mapping[str, Any]) -> dict[str, Any]:
    """Outcome parts keyed so that differences get readable paths (trace by step name)."""
    plain: dict[str, Any] = to_plain(dict(outcome))
    return {
        "goals": plain["goals"],
        "reasons": {
            goal: {r["rule"]: {k: v for k, v in r.items() if k != "rule"} for r in reasons}
            for goal, reasons in plain["reasons"].items()
        },
        "trace": {s["name"]: {k: v for k, v in s.items() if k != "name"} for s in plain["trace"]},
        "ignored_answers": plain["ignored_answers"],
    }


def differences(recorded: Any, replayed: Any, path: str = "") -> list[Difference]:
    """Leaf-by-leaf differences between two plain values (dicts recursed, lists whole)."""
    if isinstance(recorded, dict) and isinstance(replayed, dict):
        found: list[Difference] = []
        for key in [*recorded, *(k for k in replayed if k not in recorded)]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in replayed or key not in recorded:
                found.append(Difference(sub, recorded.get(key), replayed.get(key)))
            else:
                found.extend(differences(recorded[key], replayed[key], sub))
        return found
    return [] if recorded == replayed else [Difference(path, recorded, replayed)]
