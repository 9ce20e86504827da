"""How long batch jobs are kept: finished ones for some days, and only so many of them.

Each job's folder holds its population, rows, report and affected claims, so folders
pile up. A finished job (done, failed or cancelled) is removed once it finished more
than `days` ago, or once `jobs` newer finished jobs exist; 0 turns either limit off. A
pending or running job is kept, unless its `job.json` has not changed for `days` (its
process died: a running job writes its progress every few seconds). Any server process
may prune at the same time as another: a folder is first renamed (one of them wins),
then deleted.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FINISHED = ("done", "failed", "cancelled")


@dataclass(frozen=True)
class Retention:
    """Finished jobs are kept at most `days` after they finished, and at most `jobs` of them."""

    days: float = 30.0
    jobs: int = 200


def prune(root: Path, keep: Retention, now: dt.datetime | None = None) -> list[str]:
    """Remove the job folders under `root` the policy no longer keeps; their ids."""
    now = now or dt.datetime.now(dt.UTC)
    oldest = now - dt.timedelta(days=keep.days) if keep.days > 0 else None
    finished: list[tuple[dt.datetime, Path]] = []
    removed = []
    for job, folder in _jobs(root):
        if job["status"] in FINISHED:
            finished.append((_when(job["finished_at"] or job["created_at"]), folder))
        elif oldest is not None and _changed(folder) < oldest:  # abandoned by its process
            removed.append(folder)
    finished.sort(key=lambda found: found[0], reverse=True)
    for rank, (when, folder) in enumerate(finished):
        if (keep.jobs > 0 and rank >= keep.jobs) or (oldest is not None and when < oldest):
            removed.append(folder)
    return [folder.name for folder in removed if _remove(folder)]


def _jobs(root: Path) -> list[tuple[dict[str, Any], Path]]:
    """Every job folder with its job.json (folders being created or removed are left alone)."""
    if not root.is_dir():
        return []
    found = []
    for folder in root.iterdir():
        if folder.name.startswith(".removed-"):  # left by a process that died deleting it
            shutil.rmtree(folder, ignore_errors=True)
            continue
        try:
            job = json.loads((folder / "job.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        found.append((job, folder))
    return found


def _when(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp)


def _changed(folder: Path) -> dt.datetime:
    """When the job's process last wrote its job.json."""
    try:
        seconds = (folder / "job.json").stat().st_mtime
    except OSError:
        seconds = 0.0
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _remove(folder: Path) -> bool:
    """Delete a job's folder; False when another process got there first."""
    doomed = folder.with_name(f".removed-{folder.name}-{uuid.uuid4().hex[:8]}")
    try:
        os.rename(folder, doomed)  # atomic: a reader sees the job whole or not at all
    except OSError:
        return False
    shutil.rmtree(doomed, ignore_errors=True)
    return True
