"""An assessment's partitions and their counts, kept in its folder so that it can resume.

`plan.json` holds what was assessed (the population's file, size and time, or the
decisions' filter; the versions, the claim date, the language) and how it was split;
`counts/part-NNNNN.json` each completed partition's counts, written when the job hears
it completed. Resumed, an assessment runs only the partitions without counts and
merges the kept ones as they were counted (their rows are in `rows/` already). Each
file is written whole (a temporary file replaced), so a reader never sees a part.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from eligibility.batch.assess import AssessTally
from eligibility.batch.effects import Effects
from eligibility.batch.partitions import Partition
from eligibility.batch.populations import Layout, Population
from eligibility.errors import Conflict

PLAN, COUNTS = "plan.json", "counts"


def identity(population: Population, **versions: Any) -> dict[str, Any]:
    """What an assessment assesses: the population as it is now, and `versions` (and dates)."""
    what: dict[str, Any] = {"kind": population.kind, **versions}
    if population.path is not None:
        found = Path(population.path).stat()
        what.update(path=population.path, bytes=found.st_size, modified=found.st_mtime_ns)
    elif population.filters is not None:
        what["filters"] = population.filters.to_dict()
    kept: dict[str, Any] = json.loads(json.dumps(what, default=str))  # as it reads back
    return kept


def keep_plan(folder: Path, what: dict[str, Any], found: Layout) -> None:
    """Keep how this assessment splits; counts kept by an earlier one in the folder go."""
    shutil.rmtree(folder / COUNTS, ignore_errors=True)
    plan = {
        "assessing": what,
        "total": found.total,
        "partitions": [part.to_dict() for part in found.partitions],
        "offsets": {str(index): list(span) for index, span in found.offsets.items()},
        "columns": list(found.columns),
    }
    _write(folder / PLAN, plan)


def kept_plan(folder: Path, what: dict[str, Any]) -> Layout | None:
    """How the assessment kept in `folder` splits (None: none kept); Conflict if another's."""
    path = folder / PLAN
    if not path.is_file():
        return None
    plan = json.loads(path.read_text(encoding="utf-8"))
    if plan["assessing"] != what:
        raise Conflict(
            f"'{folder}' holds another assessment (or the population changed since): "
            "assess into another folder, or without resuming"
        )
    parts = tuple(Partition.from_dict(part) for part in plan["partitions"])
    offsets = {int(index): (span[0], span[1], span[2]) for index, span in plan["offsets"].items()}
    return Layout(plan["total"], parts, offsets, tuple(plan["columns"]))


def keep_counts(folder: Path, index: int, tally: AssessTally) -> None:
    """Keep a completed partition's counts (rules in the order seen, to be merged again)."""
    (folder / COUNTS).mkdir(exist_ok=True)
    counts = {**tally.to_dict(), "effects": tally.effects.to_dict(as_seen=True)}
    _write(folder / COUNTS / f"part-{index:05d}.json", counts)


def kept_counts(folder: Path) -> dict[int, AssessTally]:
    """The counts kept for the completed partitions, by partition index."""
    found = {}
    for path in sorted((folder / COUNTS).glob("part-*.json")):
        found[int(path.stem.removeprefix("part-"))] = _tally(json.loads(path.read_text("utf-8")))
    return found


def _tally(data: dict[str, Any]) -> AssessTally:
    """A partition's counts as `keep_counts` wrote them."""
    return AssessTally(
        rows=data["rows"],
        failed=data["failed"],
        cpu_seconds=data["cpu_seconds"],
        errors=list(data["errors"]),
        outcomes={
            side: {goal: Counter(counts) for goal, counts in goals.items()}
            for side, goals in data["outcomes"].items()
        },
        sums={
            side: {goal: Decimal(total) for goal, total in sums.items()}
            for side, sums in data["sums"].items()
        },
        labels=dict(data["labels"]),
        effects=Effects.from_dict(data["effects"]),
    )


def _write(path: Path, data: dict[str, Any]) -> None:
    partial = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
    partial.write_text(json.dumps(data), encoding="utf-8")
    os.replace(partial, path)
