"""The audit trail over storage: verify the chain against signed checkpoints, write checkpoints."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from eligibility.batch.cluster import Cluster
from eligibility.batch.replay import Progress
from eligibility.checkpoints import Checkpoint, check_signatures, unreadable
from eligibility.checkpoints.settings import Checkpoints
from eligibility.decisions import (
    BrokenRecord,
    ChainHead,
    ChainVerification,
    Decision,
    beyond_head,
    verify_chain,
)
from eligibility.decisions.chain import ORIGIN
from eligibility.errors import (
    ChainBroken,
    ChainTooLong,
    CheckpointsNotConfigured,
    EligibilityError,
    StoredVersionAltered,
)
from eligibility.ports import Storage
from eligibility.services.chain_ranges import (
    PAGE,
    Reached,
    VerificationStopped,
    chain_records,
    checkpoints_before,
    verify_in_ranges,
    walked_from,
)
from eligibility.storage import storage_url

log = logging.getLogger("eligibility.audit")
NO_CHECKPOINTS = Checkpoints()


def trusted_checkpoints(checkpoints: Checkpoints) -> list[Checkpoint]:
    """The readable checkpoints signed by a trusted key, oldest first."""
    if checkpoints.store is None:
        return []
    found, _ = checkpoints.store.read_all()
    return [c for c in found if checkpoints.keys.problem(c) is None]


def latest_checkpoint(checkpoints: Checkpoints) -> Checkpoint | None:
    """The trusted checkpoint of the longest chain (the newest of those), or None."""
    return max(
        trusted_checkpoints(checkpoints),
        key=lambda c: (c.sequence, c.created_at),
        default=None,
    )


def verify_audit_chain(
    store: Storage,
    checkpoints: Checkpoints = NO_CHECKPOINTS,
    *,
    at_most: int = 0,
    progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
    page: int = PAGE,
    cluster: Cluster | None = None,
    start: ChainHead = ORIGIN,
    reached: Reached | None = None,
) -> ChainVerification:
    """Verify the whole decision chain, and against every checkpoint when they are kept.

    Fails at the first problem: a stored rule version changed in the database (its
    content no longer fits its hash), a checkpoint file that is not one, a checkpoint not
    signed by a trusted key, a record that was edited, removed or rewritten, a
    checkpoint the chain no longer matches. The head is read first, so records
    appended meanwhile are left for the next run. A chain longer than `at_most`
    records (0: any) is not verified (ChainTooLong); `progress(checked, total)` hears
    of each `page` of records read, and `stop` returning true ends the walk
    (VerificationStopped). On a `cluster`, a database's chain is verified in key ranges
    in parallel (`chain_ranges`: the same verdict). From `start`, the records up to it
    are taken as verified (a resumed job's; each checkpoint at or before it is compared
    with the stored record's hash) and `reached` hears of the clean prefix as it grows.
    """
    try:
        store.versions.list()  # every stored version is checked against its hash as it loads
    except StoredVersionAltered as error:
        return ChainVerification(0, BrokenRecord(0, None, str(error), ("rule_versions",)))
    anchors: list[Checkpoint] = []
    if checkpoints.store is not None:
        anchors, problems = checkpoints.store.read_all()
        if problems:
            return ChainVerification(0, unreadable(*problems[0]))
        distrusted = check_signatures(anchors, checkpoints.keys)
        if distrusted is not None:
            return ChainVerification(0, distrusted)
    head = store.decisions.head()
    if 0 < at_most < head.sequence:
        raise ChainTooLong(head.sequence, at_most)
    after = store.decisions.chain(head.sequence, 1)
    if after and store.decisions.head().sequence < after[0].sequence:
        return beyond_head(head, after[0])
    before = checkpoints_before(store, start, head, anchors)
    if before is not None:
        return before
    source = storage_url(store)
    if cluster is not None and source is not None:
        return verify_in_ranges(
            store,
            source,
            cluster,
            head,
            anchors,
            page=page,
            progress=progress,
            stop=stop,
            start=start,
            reached=reached,
        )

    def watch(records: Iterator[Decision]) -> Iterator[Decision]:
        return _watched(records, start, head.sequence, progress, stop, reached, page)

    return walked_from(store, start, head, anchors, page, watch)


def _watched(
    records: Iterator[Decision],
    start: ChainHead,
    total: int,
    progress: Progress | None,
    stop: Callable[[], bool] | None,
    reached: Reached | None,
    every: int,
) -> Iterator[Decision]:
    """`records` after `start`, telling `progress` and `reached` and asking `stop` after every
    `every` of them."""
    checked = start.sequence
    previous = start  # when the walk asks for the record after one, the one before is clean
    if progress is not None:
        progress(checked, total)
    for checked, record in enumerate(records, start.sequence + 1):
        yield record
        if (checked - start.sequence) % every == 0:
            if reached is not None and previous.sequence > start.sequence:
                reached(previous)
            if stop is not None and stop():
                raise VerificationStopped(checked)
            if progress is not None:
                progress(checked, total)
        previous = ChainHead(record.sequence, record.hash)
    if progress is not None and (checked - start.sequence) % every:  # unless told already
        progress(checked, total)


def write_checkpoint(
    store: Storage, checkpoints: Checkpoints, force: bool = False, at_most: int = 0
) -> tuple[Checkpoint, bool]:
    """Sign the chain head and keep the checkpoint; (checkpoint, True when new).

    When the head has not moved since the latest checkpoint, that one is returned
    (unless `force`). The records since the latest checkpoint are verified first:
    a chain that does not extend it is never signed (ChainBroken); more of them than
    `at_most` (0: any) are not verified here (ChainTooLong).
    """
    if checkpoints.signer is None or checkpoints.store is None:
        raise CheckpointsNotConfigured(
            "checkpoints are not set up: set CHECKPOINT_DIR and CHECKPOINT_KEY_FILE"
        )
    head = store.decisions.head()
    latest = latest_checkpoint(checkpoints)
    if latest is not None and latest.head == head and not force:
        return latest, False
    since = head.sequence - (latest.sequence if latest is not None else 0)
    if 0 < at_most < since:
        raise ChainTooLong(since, at_most)
    _refuse_broken(store, head, latest)
    checkpoint = checkpoints.signer.sign(head, store.now())
    checkpoints.store.write(checkpoint)
    return checkpoint, True


def _refuse_broken(store: Storage, head: ChainHead, latest: Checkpoint | None) -> None:
    """ChainBroken unless the chain up to `head` extends the latest checkpoint intact."""
    if latest is None:
        result = verify_chain(chain_records(store.decisions, head.sequence), head)
    elif latest.sequence > head.sequence:  # the chain is shorter than it was signed
        result = verify_chain((), None, [latest], start=head)
    else:
        records = chain_records(store.decisions, head.sequence, after=latest.sequence)
        result = verify_chain(records, head, start=latest.head)
    if not result.ok:
        raise ChainBroken(f"no checkpoint written: {result}")


@dataclass(frozen=True)
class AuditHead:
    """The chain head now, and the latest checkpoint that vouches for it (or an earlier place)."""

    head: ChainHead
    latest_checkpoint: Checkpoint | None

    @property
    def since_checkpoint(self) -> int:
        """Records appended after the latest checkpoint."""
        done = self.latest_checkpoint.sequence if self.latest_checkpoint else 0
        return max(0, self.head.sequence - done)


def audit_head(store: Storage, checkpoints: Checkpoints = NO_CHECKPOINTS) -> AuditHead:
    """The chain head as stored and the latest trusted checkpoint."""
    return AuditHead(store.decisions.head(), latest_checkpoint(checkpoints))


def keep_checkpointing(
    store: Storage, checkpoints: Checkpoints, interval: float, stop: threading.Event
) -> None:
    """Write a checkpoint now and every `interval` seconds until `stop` is set.

    A failure (database down, chain broken) is logged and tried again next time.
    """
    while True:
        try:
            checkpoint, new = write_checkpoint(store, checkpoints)
            if new:
                log.info("checkpoint written: %s", checkpoint.name)
        except EligibilityError as error:
            log.error("no checkpoint written: %s", error)
        if stop.wait(interval):
            return
