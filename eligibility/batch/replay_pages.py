"""The records a replay partition reads: its key range in pages, the next read ahead."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from concurrent.futures import ThreadPoolExecutor

from eligibility.decisions.recorded import Recorded
from eligibility.ports import DecisionRepository
from eligibility.records import DecisionFilter


def iterate_for_replay(
    repository: DecisionRepository,
    filters: DecisionFilter,
    batch: int = 500,
    after: int = 0,
    until: int | None = None,
    *,
    read_ahead: bool = False,
) -> Generator[Recorded, None, None]:
    """As `iterate`, the columns a replay reads (`DecisionRepository.for_replay`).

    `read_ahead` reads the next page in a thread while this one is replayed (for a
    repository whose reads are thread-safe): a database spends about as long finding,
    decompressing and sending a page as a worker spends replaying it, and the worker
    would otherwise wait for each.
    """
    pages = _replay_pages(repository, filters, batch, after, until)
    for page in _read_ahead(pages) if read_ahead else pages:
        yield from page


def _replay_pages(
    repository: DecisionRepository,
    filters: DecisionFilter,
    batch: int,
    after: int,
    until: int | None,
) -> Iterator[list[Recorded]]:
    """Pages of matching records in sequence order; a short page, or one that reaches
    `until`, is the last (no read after)."""
    while page := repository.for_replay(filters, after, batch, until):
        yield page
        if len(page) < batch or (until is not None and page[-1].sequence >= until):
            return
        after = page[-1].sequence


def _read_ahead(pages: Iterator[list[Recorded]]) -> Iterator[list[Recorded]]:
    """`pages`, each next one read in a thread while the caller works on the one before."""
    with ThreadPoolExecutor(1, "read-ahead") as reader:
        upcoming = reader.submit(next, pages, None)
        while (page := upcoming.result()) is not None:
            upcoming = reader.submit(next, pages, None)
            yield page
