"""The chain verified in key ranges on a cluster: each range alone, then the joins between them.

A record's hash covers its content and its predecessor's hash, so a range of records
can be checked on its own, starting from the stored hash of the record before it: every
record's fields and hash recomputed, every link inside the range followed. What the
ranges cannot see alone is checked after, in order: each range starts where the one
before ended (the same record, the same hash) and holds every record of its range.
Where a range found a problem, or a join does not hold, the chain is verified one record
after another from the start of the range before it, so the verdict (the first broken
record, its reason, the checkpoints matched) is exactly the sequential walk's
(tests/integration/test_chain_ranges.py holds the two together).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from eligibility.batch.cluster import Cluster
from eligibility.batch.partitions import Partition, partition_size, ranges, run
from eligibility.batch.replay import Progress
from eligibility.batch.worker import StorageRef, storage_at
from eligibility.decisions import ChainHead, ChainVerification, Decision, verify_chain
from eligibility.decisions.chain import ORIGIN, Anchor, unmatched
from eligibility.ports import DecisionRepository, Storage

PAGE = 1000  # records read in one transaction


def chain_records(
    repository: DecisionRepository, until: int, batch: int = PAGE, after: int = 0
) -> Iterator[Decision]:
    """The chain's records after `after` up to sequence `until`, in order, read in batches."""
    while after < until and (page := repository.chain(after, batch)):
        for record in page:
            if record.sequence > until:
                return
            yield record
        after = page[-1].sequence


@dataclass(frozen=True)
class RangeVerified:
    """One range checked alone: where it started, records checked, clean or not, where it ended."""

    start: ChainHead  # the stored record before the range (ORIGIN before the first)
    checked: int
    clean: bool  # no problem found inside the range
    end: ChainHead  # the last record checked (`start` when none was)


def verify_range(
    part: Partition, source: StorageRef, anchors: Sequence[Anchor], page: int
) -> RangeVerified:
    """Check the records of one key range, from the stored record before it (on a worker)."""
    store = storage_at(source)
    start = ORIGIN
    if part.low > 1:
        before = store.decisions.chain(part.low - 2, 1)
        if not before or before[0].sequence != part.low - 1:  # missing: found by the walk after
            return RangeVerified(ORIGIN, 0, False, ORIGIN)
        start = ChainHead(before[0].sequence, before[0].hash)
    inside = [
        a
        for a in anchors
        if part.low <= a.sequence <= part.high or a.sequence == 0 == start.sequence
    ]
    last = [start]

    def remembered() -> Iterator[Decision]:
        for record in chain_records(store.decisions, part.high, page, after=part.low - 1):
            last[0] = ChainHead(record.sequence, record.hash)
            yield record

    found = verify_chain(remembered(), None, inside, start)
    complete = found.checked == part.high - part.low + 1
    return RangeVerified(start, found.checked, found.ok and complete, last[0])


class VerificationStopped(Exception):
    """A verification was asked to stop after `checked` records."""

    def __init__(self, checked: int) -> None:
        super().__init__(f"stopped after {checked} records")
        self.checked = checked


Reached = Callable[[ChainHead], None]  # told the last record of the clean prefix, as it grows


def verify_in_ranges(
    store: Storage,
    source: str,
    cluster: Cluster,
    head: ChainHead,
    anchors: Sequence[Anchor],
    *,
    page: int = PAGE,
    progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
    every: int | None = None,
    start: ChainHead = ORIGIN,
    reached: Reached | None = None,
) -> ChainVerification:
    """The chain up to `head` verified range by range on `cluster`, as `verify_chain` would.

    Ranges of `every` records (default: several per worker, `partition_size`), after
    `start` (the records up to it verified already: a resumed job's). `reached` hears
    of the clean prefix each time it grows.
    """
    size = every or partition_size(head.sequence - start.sequence, cluster.workers)
    parts = ranges(head.sequence, size, after=start.sequence)
    checked = [start.sequence]
    prefix = _Prefix(parts, start, reached)

    def done(part: Partition, verified: RangeVerified) -> None:
        checked[0] += verified.checked
        prefix.add(part, verified)
        if progress is not None:
            progress(checked[0], head.sequence)

    if progress is not None:
        progress(checked[0], head.sequence)
    outcome = run(
        cluster,
        verify_range,
        parts,
        (source, tuple(anchors), page),
        done,
        stop or (lambda: False),
        f"verify-{uuid.uuid4()}",  # its tasks' keys: another verification's are not these
    )
    if outcome.cancelled:
        raise VerificationStopped(checked[0])
    if outcome.failed:
        raise outcome.failed[0].error
    return walked_from(store, prefix.resume(), head, anchors, page)


class _Prefix:
    """The clean prefix of ranges done so far: the ranges done in order from the first, each
    clean and starting where the one before ended, up to the first doubtful one."""

    def __init__(self, parts: Sequence[Partition], start: ChainHead, told: Reached | None):
        self.parts, self.start, self.end, self.told = parts, start, start, told
        self.next = 0  # the first range not yet in the prefix
        self.doubtful = False  # the range at `next` found a problem or does not join
        self.done: dict[int, RangeVerified] = {}

    def add(self, part: Partition, verified: RangeVerified) -> None:
        """One range done; the prefix told when it grew."""
        self.done[part.index] = verified
        grown = False
        while not self.doubtful and self.next < len(self.parts):
            found = self.done.get(self.parts[self.next].index)
            if found is None:
                break
            self.doubtful = not found.clean or found.start != self.end
            if not self.doubtful:
                self.end, self.next, grown = found.end, self.next + 1, True
        if grown and self.told is not None:
            self.told(self.end)

    def resume(self) -> ChainHead:
        """Once every range is done, where the sequential walk takes over: the start of the
        range before the first doubtful one (its last record is then the walk's previous
        one), or the end of the last range."""
        if not self.doubtful:
            return self.end
        if self.next == 0:
            return self.start
        return self.done[self.parts[self.next - 1].index].start


def checkpoints_before(
    store: Storage, start: ChainHead, head: ChainHead, anchors: Sequence[Anchor]
) -> ChainVerification | None:
    """The walk's verdict up to `head` when a checkpoint at or before `start` (records
    verified already) does not match the stored chain; None when each matches."""
    for anchor in sorted(anchors, key=lambda a: a.sequence):
        if not 0 < anchor.sequence <= start.sequence:
            continue
        stored = store.decisions.chain(anchor.sequence - 1, 1)
        record = stored[0] if stored and stored[0].sequence == anchor.sequence else None
        broken = unmatched([anchor], record.hash if record else "", record, None)
        if broken is not None:
            latest = max(anchors, key=lambda a: a.sequence)
            checked = anchor.sequence if record else anchor.sequence - 1  # as the walk counts
            return ChainVerification(
                checked,
                broken,
                checkpoints=len(anchors),
                latest_checkpoint=latest.name,
                after_latest=max(0, checked - latest.sequence),
                head=head,
            )
    return None


Watch = Callable[[Iterator[Decision]], Iterator[Decision]]


def walked_from(
    store: Storage,
    resume: ChainHead,
    head: ChainHead,
    anchors: Sequence[Anchor],
    page: int,
    watch: Watch = lambda records: records,
) -> ChainVerification:
    """The sequential walk's verdict, from `resume` (every record before it verified).

    `watch` sees the records as the walk reads them (progress, stop).
    """
    matched = None
    for anchor in anchors:  # as the walk keeps it: the last given at the latest place passed
        if 0 < anchor.sequence <= resume.sequence and (
            matched is None or anchor.sequence >= matched.sequence
        ):
            matched = anchor
    ahead = [a for a in anchors if a.sequence > resume.sequence or resume.sequence == 0]
    records = chain_records(store.decisions, head.sequence, page, after=resume.sequence)
    found = verify_chain(watch(records), head, ahead, resume, matched)
    latest = max(anchors, key=lambda a: a.sequence, default=None)
    last = resume.sequence + found.checked
    return replace(
        found,
        checked=last,
        checkpoints=len(anchors),
        latest_checkpoint=latest.name if latest else None,
        after_latest=max(0, last - latest.sequence) if latest else 0,
    )
