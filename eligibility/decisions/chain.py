"""Verifying the hash chain of decisions: every record, in order, and the head."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

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
    checkpoint: str | None = None  # the checkpoint the chain fails to match, by name


ORIGIN = ChainHead(0, GENESIS)  # the place before the first record


class Anchor(Protocol):
    """A statement kept outside the chain that record `sequence` had hash `head_hash`."""

    @property
    def sequence(self) -> int: ...

    @property
    def head_hash(self) -> str: ...

    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class ChainVerification:
    """The outcome of verifying the chain: ok, or the first broken record."""

    checked: int
    broken: BrokenRecord | None = None
    checkpoints: int = 0  # how many checkpoints the chain was compared with
    latest_checkpoint: str | None = None
    after_latest: int = 0  # records after the latest checkpoint (vouched for by the chain only)
    head: ChainHead | None = None  # the head verified up to (records appended later are not)

    @property
    def ok(self) -> bool:
        """True when every record and the head check out."""
        return self.broken is None

    def __str__(self) -> str:
        if self.broken is None and not self.checkpoints:
            return f"ok ({self.checked} records)"
        if self.broken is None:
            return (
                f"ok ({self.checked} records; {self.checkpoints} checkpoint(s) match, the latest "
                f"{self.latest_checkpoint}; {self.after_latest} record(s) after it)"
            )
        b = self.broken
        which = f"#{b.sequence} ({b.id})" if b.id else f"#{b.sequence}"
        return f"broken at record {which}: {b.reason}"


def check_record(
    record: Decision, expected_sequence: int, prev_hash: str, previous: Decision | None = None
) -> BrokenRecord | None:
    """Why this record breaks the chain after `previous` (whose hash is `prev_hash`), or None.

    A problem is reported at the record it concerns: a missing record at its own
    number, a record rewritten and re-hashed (its successor still links to the old
    hash) at the rewritten record, an edited column at the record holding it.
    """
    if record.sequence != expected_sequence:
        return _misplaced(record, expected_sequence)
    if record.prev_hash != prev_hash:
        return _broken_link(record, prev_hash, previous)
    return _changed_fields(record) or _lying_columns(record)


def _misplaced(record: Decision, expected: int) -> BrokenRecord:
    if record.sequence > expected:
        last = record.sequence - 1
        missing = f"#{expected}" if last == expected else f"#{expected}–#{last}"
        return BrokenRecord(
            expected,
            None,
            f"record {missing} is missing (the next record is #{record.sequence}, "
            f"{record.id}): records missing",
            ("sequence",),
        )
    return BrokenRecord(
        record.sequence,
        record.id,
        f"expected sequence {expected}, found {record.sequence} (duplicate)",
        ("sequence",),
    )


def _broken_link(record: Decision, prev_hash: str, previous: Decision | None) -> BrokenRecord:
    if previous is not None and record.computed_hash() == record.hash:
        # This record is intact, so it was sealed after the old hash of the previous one:
        # the previous record was rewritten and its hash recomputed.
        return BrokenRecord(
            previous.sequence,
            previous.id,
            f"rewritten and re-hashed after it was recorded: record #{record.sequence} was "
            f"chained to hash {record.prev_hash[:12]}…, the record now has {prev_hash[:12]}…",
            ("hash",),
        )
    return BrokenRecord(
        record.sequence,
        record.id,
        f"prev_hash {record.prev_hash[:12]}… does not match the previous record's hash "
        f"{prev_hash[:12]}…",
        ("prev_hash",),
    )


def _changed_fields(record: Decision) -> BrokenRecord | None:
    texts, digests = record.texts_and_digests()  # each written once, for digest and hash
    changed = tuple(
        name for name, digest in digests.items() if record.field_digests.get(name) != digest
    )
    hash_ok = record.computed_hash(texts) == record.hash
    if (changed or set(record.field_digests) != set(digests)) and hash_ok:
        return BrokenRecord(
            record.sequence,
            record.id,
            "changed after it was recorded: field_digests (the content still matches its hash)",
            ("field_digests",),
        )
    if changed:
        return BrokenRecord(
            record.sequence,
            record.id,
            "changed after it was recorded: " + ", ".join(changed),
            changed,
        )
    if not hash_ok:
        return BrokenRecord(
            record.sequence, record.id, "hash does not match the record's content", ("hash",)
        )
    return None


def _lying_columns(record: Decision) -> BrokenRecord | None:
    derived = record.derived_columns()
    lying = tuple(
        name
        for name, value in record.stored_columns.items()
        if name in derived and value != derived[name]
    )
    if not lying:
        return None
    said = ", ".join(
        f"{name} is stored as {_shown(record.stored_columns[name])} but the recorded "
        f"outcome says {_shown(derived[name])}"
        for name in lying
    )
    return BrokenRecord(record.sequence, record.id, f"changed after it was recorded: {said}", lying)


def _shown(value: object) -> str:
    if value is None:
        return "null (undecided)"
    return str(value).lower() if isinstance(value, bool) else str(value)


def verify_chain(
    records: Iterable[Decision],
    head: ChainHead | None = None,
    anchors: Sequence[Anchor] = (),
    start: ChainHead = ORIGIN,
    matched: Anchor | None = None,
) -> ChainVerification:
    """Check every record in sequence order, each checkpoint (`anchors`), then the head.

    A checkpoint fails when the record at its sequence has another hash (rewritten,
    forged or replaced records at or before it) or when the chain ends before it
    (records removed from the end). `start` verifies only the records after a known
    place of the chain (a checkpoint, or records verified already), `matched` the latest
    checkpoint those matched.
    """
    by_sequence: defaultdict[int, list[Anchor]] = defaultdict(list)
    for anchor in anchors:
        by_sequence[anchor.sequence].append(anchor)
    prev_hash, sequence, checked = start.hash, start.sequence, 0
    previous: Decision | None = None
    broken = unmatched(by_sequence.pop(0, []), GENESIS, None, matched)
    for record in records:
        if broken is not None:
            break
        broken = check_record(record, sequence + 1, prev_hash, previous)
        if broken is None:
            found = by_sequence.pop(record.sequence, [])
            broken = unmatched(found, record.hash, record, matched)
            matched = found[-1] if found else matched
            prev_hash, sequence, checked = record.hash, record.sequence, checked + 1
            previous = record
    if broken is None and by_sequence:
        broken = _beyond_end(sequence, [a for group in by_sequence.values() for a in group])
    if broken is None and head is not None and (head.sequence, head.hash) != (sequence, prev_hash):
        reason = (
            f"the chain head says #{head.sequence} {head.hash[:12]}…, "
            f"the last record is #{sequence} {prev_hash[:12]}… (records removed or added)"
        )
        broken = BrokenRecord(sequence, None, reason, ("head",))
    latest = max(anchors, key=lambda a: a.sequence, default=None)
    return ChainVerification(
        checked,
        broken,
        checkpoints=len(anchors),
        latest_checkpoint=latest.name if latest else None,
        after_latest=max(0, sequence - latest.sequence) if latest else 0,
        head=head,
    )


def unmatched(
    anchors: list[Anchor], found: str, record: Decision | None, matched: Anchor | None
) -> BrokenRecord | None:
    """The failure of the first checkpoint that vouched for another hash at this place."""
    for anchor in anchors:
        if anchor.head_hash != found:
            sequence = anchor.sequence
            since = (
                f" after #{matched.sequence} (the last checkpoint that still matches)"
                if matched
                else ""
            )
            return BrokenRecord(
                sequence,
                record.id if record else None,
                f"does not match {anchor.name}: it signed hash {anchor.head_hash[:12]}…, the "
                f"chain has {found[:12]}… here; records up to #{sequence}{since} were rewritten, "
                "replaced or forged",
                ("checkpoint",),
                anchor.name,
            )
    return None


def _beyond_end(last: int, anchors: list[Anchor]) -> BrokenRecord:
    """The failure when checkpoints vouch for records the chain no longer has."""
    latest = max(anchors, key=lambda a: a.sequence)
    removed = f"#{last + 1}" if latest.sequence == last + 1 else f"#{last + 1}–#{latest.sequence}"
    return BrokenRecord(
        last + 1,
        None,
        f"the chain ends at #{last}, but {latest.name} vouches for #{latest.sequence}: "
        f"records {removed} were removed",
        ("checkpoint",),
        latest.name,
    )


def beyond_head(head: ChainHead, record: Decision) -> ChainVerification:
    """The verdict when a record exists after the chain head (the head was moved back)."""
    reason = (
        f"record #{record.sequence} ({record.id}) lies beyond the chain head #{head.sequence}: "
        "the head was moved back (records removed or added)"
    )
    return ChainVerification(
        head.sequence, BrokenRecord(record.sequence, record.id, reason, ("head",))
    )
