"""Populations to assess: answer sets in CSV, JSON Lines or Parquet files, or recorded decisions.

Each population is split into partitions that a worker reads by itself: a CSV or
JSON Lines file by byte ranges found in one pass over its line ends (so each row
keeps its line number), a Parquet file by row groups, recorded decisions by
sequence ranges. A row that cannot be read (a malformed line, a cell of the wrong
kind) becomes a row with its error; the others go on.

CSV: a header row, then one column per question (for rule sets without
collections); optional `id` and `as_of` columns. Empty cells are not answered;
`unknown` is "I don't know"; booleans are true/false (yes/no, 1/0).
JSON Lines: one object per line, `{"answers": {…}, "id": …, "as_of": …}` or the
answers alone (nested answers of collections too). Parquet: columns as in CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from eligibility.batch.partitions import Partition, partition_size, plan
from eligibility.batch.population_rows import (
    SPECIAL,
    Kind,
    Row,
    from_cells,
    parse,
    plain_line,
    plan_of,
)
from eligibility.batch.worker import StorageRef, storage_at
from eligibility.errors import EligibilityError
from eligibility.model import Question
from eligibility.ports import iterate
from eligibility.records import DecisionFilter

KINDS: dict[str, Kind] = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}
BLOCK = 1 << 20


class PopulationError(EligibilityError):
    """A population that cannot be assessed at all (unknown format, unknown column)."""


@dataclass(frozen=True)
class Population:
    """Where the answer sets are: a file (by kind) or the recorded decisions of a filter."""

    kind: Kind
    path: str | None = None
    source: StorageRef | None = None
    filters: DecisionFilter | None = None

    @classmethod
    def file(cls, path: str | Path) -> Population:
        """A CSV, JSON Lines or Parquet file (by its suffix)."""
        kind = KINDS.get(Path(path).suffix.lower())
        if kind is None:
            raise PopulationError(f"'{path}': a population is a .csv, .jsonl or .parquet file")
        return cls(kind, str(Path(path).resolve()))

    @classmethod
    def decisions(cls, source: StorageRef, filters: DecisionFilter) -> Population:
        """The recorded decisions matching `filters` (their answers and claim dates)."""
        return cls("decisions", source=source, filters=filters)


@dataclass(frozen=True)
class Layout:
    """How a population splits: its partitions, and for text files their byte ranges."""

    total: int
    partitions: tuple[Partition, ...]
    offsets: Mapping[int, tuple[int, int, int]]  # partition → bytes [start, end), first line
    columns: tuple[str, ...] = ()


def layout(population: Population, workers: int) -> Layout:
    """Split a population into partitions, several per worker (`partition_size`)."""
    if population.kind == "decisions":
        return _decision_layout(population, workers)
    assert population.path is not None
    if population.kind == "parquet":
        return _parquet_layout(population.path)
    rough = max(1, Path(population.path).stat().st_size // 100)  # about 100 bytes a line
    every = partition_size(rough, workers, estimated=True)
    return _text_layout(population.path, every, header=population.kind == "csv")


def _decision_layout(population: Population, workers: int) -> Layout:
    """The decisions counted once, on the storage partitions read (a database: batch budget)."""
    assert population.source is not None and population.filters is not None
    store = storage_at(population.source)
    head = store.decisions.head().sequence
    total = store.decisions.count(population.filters)
    every = partition_size(total, workers)
    starts = [k for k in store.decisions.keys(population.filters, every) if k <= head]
    return Layout(total, tuple(plan(starts, head, total, every)), {})


def _parquet_layout(path: str) -> Layout:
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    parts, first = [], 1
    for index in range(meta.num_row_groups):
        rows = meta.row_group(index).num_rows
        parts.append(Partition(index, first, first + rows - 1, rows))
        first += rows
    return Layout(meta.num_rows, tuple(parts), {}, tuple(meta.schema.names))


def _text_layout(path: str, every: int, header: bool) -> Layout:
    """One pass over the line ends: where every `every`-th row starts (no row is parsed)."""
    starts: list[tuple[int, int]] = []  # byte offset and line number of each partition's first row
    rows, position, number = 0, 0, 0
    columns: tuple[str, ...] = ()
    with open(path, "rb") as file:
        if header:
            first = file.readline()
            columns = tuple(next(csv.reader([first.decode("utf-8-sig")]), []))
            position, number = len(first), 1
        for line in file:
            number += 1
            if line.strip():
                if rows % every == 0:
                    starts.append((position, number))
                rows += 1
            position += len(line)
    offsets = {
        i: (start, starts[i + 1][0] if i + 1 < len(starts) else position, line)
        for i, (start, line) in enumerate(starts)
    }
    parts = plan([1 + every * i for i in range(len(starts))], rows, rows, every)
    return Layout(rows, tuple(parts), offsets, tuple(str(c).strip() for c in columns))


def check_columns(columns: tuple[str, ...], questions: Mapping[str, Question]) -> None:
    """A CSV or Parquet column that is neither a question nor id/as_of stops the batch now."""
    unknown = [c for c in columns if c not in questions and c not in SPECIAL]
    if unknown:
        raise PopulationError(f"column(s) {', '.join(unknown)} name no question of this version")


def rows(
    population: Population,
    part: Partition,
    offsets: Mapping[int, tuple[int, int, int]],
    questions: Mapping[str, Question],
) -> Iterator[Row]:
    """The rows of one partition, read by the worker that assesses them."""
    if population.kind == "decisions":
        yield from _decision_rows(population, part)
    elif population.kind == "parquet":
        assert population.path is not None
        yield from _parquet_rows(population.path, part, questions)
    else:
        assert population.path is not None
        yield from _text_rows(population, part, offsets[part.index], questions)


def _decision_rows(population: Population, part: Partition) -> Iterator[Row]:
    assert population.source is not None and population.filters is not None
    store = storage_at(population.source)
    for decision in iterate(store.decisions, population.filters, 500, part.low - 1, part.high):
        yield Row(decision.sequence, None, decision.id, decision.answers, decision.as_of)


def _text_rows(
    population: Population,
    part: Partition,
    where: tuple[int, int, int],
    questions: Mapping[str, Question],
) -> Iterator[Row]:
    assert population.path is not None
    start, end, line = where
    with open(population.path, "rb") as file:
        header = file.readline().decode("utf-8-sig") if population.kind == "csv" else ""
        columns = [c.strip() for c in next(csv.reader([header]), [])] if header else []
        file.seek(start)
        number = part.low
        plan = plan_of(columns, questions) if population.kind == "csv" else None
        for raw in io.BytesIO(file.read(end - start)):
            if raw.strip():
                if plan is not None and (row := plain_line(raw, number, line, plan)) is not None:
                    yield row
                else:
                    yield parse(population.kind, raw, number, line, columns, questions)
                number += 1
            line += 1


def _parquet_rows(path: str, part: Partition, questions: Mapping[str, Question]) -> Iterator[Row]:
    import pyarrow.parquet as pq

    table = pq.ParquetFile(path).read_row_group(part.index)
    for offset, cells in enumerate(table.to_pylist()):
        number = part.low + offset
        try:
            yield from_cells(number, None, cells, questions)
        except ValueError as error:
            yield Row(number, None, None, {}, error=f"row {number}: {error}")
