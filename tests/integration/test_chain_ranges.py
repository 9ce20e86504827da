"""The chain verified in key ranges on a cluster gives the sequential walk's verdict, exactly.

On a chain of twelve records with checkpoints, intact and tampered with in every way the
walk reports (a column edited, a record deleted, a record rewritten and re-hashed, one
rewritten with every later hash recomputed, the newest removed), at every place and
with ranges of every size: the verdict in ranges equals `verify_audit_chain`'s walk.
So does a verification resumed after a prefix it verified before (walked or in ranges).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from cli import main
from eligibility import services
from eligibility.batch.cluster import SCHEDULER_ENV, Cluster
from eligibility.decisions import ChainHead, ChainVerification, Decision, verify_chain
from eligibility.decisions.chain import ORIGIN
from eligibility.services.chain_ranges import (
    PAGE,
    VerificationStopped,
    chain_records,
    checkpoints_before,
    verify_in_ranges,
    walked_from,
)
from eligibility.storage.migrate import upgrade
from eligibility.storage.sql import SqlStorage
from eligibility.storage.testing import bypassing_append_only, temporary_database

from .helpers import FISHING, decide

RECORDS = 12
ANSWERS = ({"age": 70, "resident": True}, {"age": 30, "income": "900.00", "resident": True})


@dataclass(frozen=True)
class Signed:
    """A checkpoint as verification reads one: the head it vouches for (signatures apart)."""

    sequence: int
    head_hash: str
    name: str


def _tamper(store: SqlStorage, sql: str, **params: object) -> None:
    with bypassing_append_only(store.db.engine) as connection:
        connection.execute(text(sql), params)


def _reseal(record: Decision, prev_hash: str) -> Decision:
    fresh = dataclasses.replace(record, prev_hash=prev_hash, hash="")
    return dataclasses.replace(fresh, hash=fresh.computed_hash(), field_digests=fresh.digests())


def _rewrite(store: SqlStorage, record: Decision) -> None:
    _tamper(
        store,
        "UPDATE decisions SET client = :c, prev_hash = :p, hash = :h, field_digests = :d "
        "WHERE sequence = :s",
        c=record.client,
        p=record.prev_hash,
        h=record.hash,
        d=json.dumps(record.field_digests),
        s=record.sequence,
    )


def edited(store: SqlStorage, at: int) -> None:
    _tamper(store, "UPDATE decisions SET client = 'mallory' WHERE sequence = :s", s=at)


def deleted(store: SqlStorage, at: int) -> None:
    _tamper(store, "DELETE FROM decisions WHERE sequence = :s", s=at)


def resealed(store: SqlStorage, at: int) -> None:
    """Record `at` rewritten and its own hash recomputed (its successor still links the old)."""
    records = list(store.decisions.chain())
    _rewrite(
        store,
        _reseal(dataclasses.replace(records[at - 1], client="mallory"), records[at - 1].prev_hash),
    )


def rechained(store: SqlStorage, at: int) -> None:
    """Record `at` rewritten and every later hash recomputed, the head moved with them."""
    records = list(store.decisions.chain())
    records[at - 1] = dataclasses.replace(records[at - 1], client="mallory")
    for i in range(at - 1, len(records)):
        records[i] = _reseal(records[i], records[i - 1].hash if i else records[i].prev_hash)
        _rewrite(store, records[i])
    _tamper(store, "UPDATE chain_head SET hash = :h WHERE id = 1", h=records[-1].hash)


def truncated(store: SqlStorage, at: int) -> None:
    """The records from `at` on removed and the head moved back over them."""
    records = list(store.decisions.chain())
    _tamper(store, "DELETE FROM decisions WHERE sequence >= :s", s=at)
    last = records[at - 2] if at > 1 else None
    _tamper(
        store,
        "UPDATE chain_head SET sequence = :s, hash = :h WHERE id = 1",
        s=at - 1,
        h=last.hash if last else "0" * 64,
    )


TAMPERING: dict[str, Callable[[SqlStorage, int], None]] = {
    "edited": edited,
    "deleted": deleted,
    "resealed": resealed,
    "rechained": rechained,
    "truncated": truncated,
}


@pytest.fixture
def chain(store: SqlStorage) -> tuple[SqlStorage, list[Signed]]:
    """Twelve records and checkpoints at 0, 4 (two of them), 8 and 12."""
    services.sync_rule_files(store, [FISHING])
    made = [decide(store, ANSWERS[i % 2]) for i in range(RECORDS)]
    hashes = {0: "0" * 64, **{d.sequence: d.hash for d in made}}
    places = (0, 4, 4, 8, 12)
    return store, [Signed(s, hashes[s], f"checkpoint {i} at #{s}") for i, s in enumerate(places)]


def _both(
    store: SqlStorage, cluster: Cluster, anchors: list[Signed], every: int
) -> tuple[ChainVerification, ChainVerification]:
    """The sequential walk's verdict (the reference), and the verdict in ranges of `every`."""
    head = store.decisions.head()
    walked = verify_chain(chain_records(store.decisions, head.sequence), head, anchors)
    ranged = verify_in_ranges(store, store.url, cluster, head, anchors, every=every)
    return walked, ranged


@pytest.mark.parametrize("every", [1, 3, 4, 5, 12])
def test_an_intact_chain_in_ranges(
    chain: tuple[SqlStorage, list[Signed]], dask_cluster: Cluster, every: int
) -> None:
    store, anchors = chain
    walked, ranged = _both(store, dask_cluster, anchors, every)
    assert walked.ok and walked.checked == RECORDS and ranged == walked


@pytest.mark.parametrize("at", [1, 4, 5, 9, 12])
@pytest.mark.parametrize("how", sorted(TAMPERING))
def test_a_tampered_chain_in_ranges_gets_the_walks_verdict(
    chain: tuple[SqlStorage, list[Signed]], dask_cluster: Cluster, how: str, at: int
) -> None:
    store, anchors = chain
    TAMPERING[how](store, at)
    for every in (1, 3, 4, 5, 12):
        walked, ranged = _both(store, dask_cluster, anchors, every)
        assert not walked.ok
        assert ranged == walked, every


def test_a_job_verifies_in_ranges_on_the_cluster_with_progress_and_cancel(
    chain: tuple[SqlStorage, list[Signed]], dask_cluster: Cluster
) -> None:
    store, _ = chain
    heard: list[tuple[int, int]] = []
    found = services.verify_audit_chain(
        store, cluster=dask_cluster, progress=lambda *p: heard.append(p)
    )
    assert found == services.verify_audit_chain(store) and found.ok
    assert heard[0] == (0, RECORDS) and heard[-1] == (RECORDS, RECORDS)
    with pytest.raises(VerificationStopped):
        services.verify_audit_chain(store, cluster=dask_cluster, stop=lambda: True)


def test_the_command_verifies_on_the_cluster_it_is_given(
    chain: tuple[SqlStorage, list[Signed]], dask_scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = chain
    deleted(store, 5)
    on_cluster = CliRunner().invoke(main, ["audit", "verify", "--database-url", store.url])
    monkeypatch.delenv(SCHEDULER_ENV)
    walked = CliRunner().invoke(main, ["audit", "verify", "--database-url", store.url])
    assert on_cluster.exit_code == walked.exit_code == 1
    assert on_cluster.output == walked.output and "record #5 is missing" in walked.output


def test_two_verifications_at_once_on_one_cluster_each_get_their_own_verdict(
    chain: tuple[SqlStorage, list[Signed]], dask_cluster: Cluster, tmp_path: Path
) -> None:
    store, anchors = chain
    with temporary_database("sqlite", tmp_path / "other") as url:
        upgrade(url)
        other = SqlStorage(url)
        services.sync_rule_files(other, [FISHING])
        for _ in range(RECORDS):
            decide(other, ANSWERS[0])
        edited(other, 6)
        with ThreadPoolExecutor(2) as pool:
            ours = pool.submit(_both, store, dask_cluster, anchors, 1)
            theirs = pool.submit(_both, other, dask_cluster, [], 1)
            (walked, ranged), (their_walk, their_ranges) = ours.result(), theirs.result()
        other.close()
    assert walked.ok and ranged == walked
    assert not their_walk.ok and their_ranges == their_walk


@pytest.mark.parametrize("how", ["intact", *sorted(TAMPERING)])
def test_resumed_after_a_clean_prefix_the_verdict_is_the_walks(
    chain: tuple[SqlStorage, list[Signed]], dask_cluster: Cluster, how: str
) -> None:
    store, anchors = chain
    verified = [ORIGIN, *(ChainHead(d.sequence, d.hash) for d in store.decisions.chain())]
    if how != "intact":
        TAMPERING[how](store, 9)  # after every prefix resumed from below
    head = store.decisions.head()
    walked = verify_chain(chain_records(store.decisions, head.sequence), head, anchors)
    for start in (verified[0], verified[1], verified[4], verified[5], verified[8]):
        assert walked_from(store, start, head, anchors, PAGE) == walked, start
        for every in (1, 3, 12):
            ranged = verify_in_ranges(
                store, store.url, dask_cluster, head, anchors, every=every, start=start
            )
            assert ranged == walked, (start, every)


def test_in_ranges_the_clean_prefix_is_told_as_it_grows(
    chain: tuple[SqlStorage, list[Signed]], dask_cluster: Cluster
) -> None:
    store, anchors = chain
    stored = {d.sequence: ChainHead(d.sequence, d.hash) for d in store.decisions.chain()}
    told: list[ChainHead] = []
    head = store.decisions.head()
    verify_in_ranges(store, store.url, dask_cluster, head, anchors, every=3, reached=told.append)
    assert told and told[-1] == head
    assert all(t == stored[t.sequence] and t.sequence % 3 == 0 for t in told)
    assert [t.sequence for t in told] == sorted({t.sequence for t in told})

    told.clear()
    edited(store, 8)  # the range 7–9 is not clean: the prefix stops before it
    verify_in_ranges(store, store.url, dask_cluster, head, anchors, every=3, reached=told.append)
    assert told and told[-1] == stored[6]


def test_a_resumed_verification_compares_the_checkpoints_of_its_prefix(
    chain: tuple[SqlStorage, list[Signed]],
) -> None:
    store, anchors = chain
    verified = {d.sequence: ChainHead(d.sequence, d.hash) for d in store.decisions.chain()}
    assert checkpoints_before(store, verified[8], store.decisions.head(), anchors) is None
    rechained(store, 2)  # every hash from #2 on recomputed after a job verified up to #8
    head = store.decisions.head()
    walked = verify_chain(chain_records(store.decisions, head.sequence), head, anchors)
    found = checkpoints_before(store, verified[8], head, anchors)
    assert found == walked and found.broken and found.broken.checkpoint == "checkpoint 1 at #4"
    assert checkpoints_before(store, verified[3], head, anchors) is None  # none in #1–#3
