"""Batch job folders are kept by age and by count; running jobs stay, abandoned ones go."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from api.config import Config
from eligibility.batch.retention import Retention, prune

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def job(root: Path, name: str, status: str, days_ago: float, written_days_ago: float = 0) -> Path:
    """A job folder with its job.json and a report, finished (or created) `days_ago`."""
    folder = root / name
    folder.mkdir(parents=True)
    when = (NOW - dt.timedelta(days=days_ago)).isoformat()
    finished = when if status in ("done", "failed", "cancelled") else None
    record = {"id": name, "status": status, "created_at": when, "finished_at": finished}
    (folder / "job.json").write_text(json.dumps(record))
    (folder / "summary.json").write_text("{}")
    written = (NOW - dt.timedelta(days=written_days_ago)).timestamp()
    os.utime(folder / "job.json", (written, written))
    return folder


def left(root: Path) -> set[str]:
    return {p.name for p in root.iterdir()}


def test_finished_jobs_older_than_the_days_go_with_their_files(tmp_path: Path) -> None:
    job(tmp_path, "old", "done", 31)
    job(tmp_path, "failed-old", "failed", 40)
    job(tmp_path, "recent", "cancelled", 29)
    removed = prune(tmp_path, Retention(days=30, jobs=0), NOW)
    assert sorted(removed) == ["failed-old", "old"]
    assert left(tmp_path) == {"recent"}


def test_only_the_newest_finished_jobs_are_kept_beyond_the_count(tmp_path: Path) -> None:
    for number in range(5):
        job(tmp_path, f"j{number}", "done", number)
    job(tmp_path, "running", "running", 10)
    assert sorted(prune(tmp_path, Retention(days=0, jobs=2), NOW)) == ["j2", "j3", "j4"]
    assert left(tmp_path) == {"j0", "j1", "running"}


def test_a_running_job_stays_unless_its_process_stopped_writing(tmp_path: Path) -> None:
    job(tmp_path, "running", "running", 90, written_days_ago=0)
    job(tmp_path, "pending", "pending", 90, written_days_ago=0)
    job(tmp_path, "abandoned", "running", 90, written_days_ago=31)
    assert prune(tmp_path, Retention(days=30, jobs=1), NOW) == ["abandoned"]
    assert left(tmp_path) == {"running", "pending"}


def test_no_limit_keeps_everything_and_strangers_are_left_alone(tmp_path: Path) -> None:
    job(tmp_path, "ancient", "done", 3650)
    (tmp_path / "being-created").mkdir()  # no job.json yet
    (tmp_path / "notes.txt").write_text("not a job")
    assert prune(tmp_path, Retention(days=0, jobs=0), NOW) == []
    assert left(tmp_path) == {"ancient", "being-created", "notes.txt"}
    assert prune(tmp_path / "missing", Retention(), NOW) == []


def test_a_folder_another_process_removed_first_is_not_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    job(tmp_path, "old", "done", 31)
    real_rename = os.rename

    def beaten(source: Path, target: Path) -> None:
        real_rename(source, tmp_path / ".removed-old-other")  # the other process won
        raise FileNotFoundError(source)

    monkeypatch.setattr(os, "rename", beaten)
    assert prune(tmp_path, Retention(days=30), NOW) == []
    monkeypatch.setattr(os, "rename", real_rename)
    assert prune(tmp_path, Retention(days=30), NOW) == []  # its leftover is swept
    assert left(tmp_path) == set()


def test_the_policy_comes_from_the_environment() -> None:
    assert (Config.from_env({}).batch_keep_days, Config.from_env({}).batch_keep_jobs) == (30, 200)
    config = Config.from_env({"BATCH_KEEP_DAYS": "0.5", "BATCH_KEEP_JOBS": "0"})
    assert (config.batch_keep_days, config.batch_keep_jobs) == (0.5, 0)
