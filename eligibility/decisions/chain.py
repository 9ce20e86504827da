"""Verifying the hash chain of decisions: every record, in order, and the head."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from eligibility.decisions.record import GENESIS, Decision


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
