"""Jobs that outlive a request, kept as files: one folder per job under a root folder.

A job's folder holds `job.json` (its status, progress and who asked), whatever else
the job writes, `heartbeat` (touched while it runs: `heartbeat.py`), and `cancel` once
someone cancels it. Every process of the server reads the same folder, so any of them
answers for a job whichever one runs it; the writer replaces `job.json` whole. Creating
a job first removes the finished jobs the retention policy no longer keeps (`retention`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from pathlib import Path
from typing import Any

from eligibility.batch.heartbeat import START_AGAIN, interrupted, last_sign, silent
from eligibility.batch.retention import FINISHED, Retention, prune
from eligibility.errors import JobNotResumable, NotFound
from eligibility.records import UNFINISHED

DERIVED = ("rate", "heartbeat_at")  # worked out when a job is read, never written


class JobFiles:
    """The jobs of one kind kept under `root`, finished ones as long as `keep` says (None: ever)."""

    def __init__(
        self, root: str | Path, kind: str, keep: Retention | None = None, then: str = START_AGAIN
    ) -> None:
        self.root = Path(root)
        self.kind = kind
        self.keep = keep
        self.then = then  # what an interrupted job's error advises

    def create(
        self, fields: dict[str, Any], created_by: str, files: dict[str, bytes] | None = None
    ) -> dict[str, Any]:
        """A new pending job with `fields` and `files` in its folder (written before the job)."""
        if self.keep is not None:  # each new job makes room: the old ones' files go
            prune(self.root, self.keep)
        job_id = str(uuid.uuid4())
        folder = self.root / job_id
        folder.mkdir(parents=True)
        for name, data in (files or {}).items():
            (folder / name).write_bytes(data)
        job = {
            "id": job_id,
            **fields,
            "status": "pending",
            "total": 0,
            "processed": 0,
            "created_by": created_by,
            "created_at": now(),
            "started_at": None,
            "finished_at": None,
            "error": None,
        }
        self.write(job)
        return job

    def folder(self, job_id: str) -> Path:
        """The folder of a job (a UUID: nothing that walks out of the root)."""
        try:
            return self.root / str(uuid.UUID(job_id))
        except ValueError:
            raise NotFound(self.kind, job_id) from None

    def get(self, job_id: str, viewer: str | None = None) -> dict[str, Any]:
        """A job with its rate; `viewer` set: only that viewer's (else NotFound)."""
        path = self.folder(job_id) / "job.json"
        if not path.is_file():
            raise NotFound(self.kind, job_id)
        job: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if viewer is not None and job["created_by"] != viewer:
            raise NotFound(self.kind, job_id)
        job["heartbeat_at"] = self._heartbeat(job_id)
        if job["status"] in UNFINISHED:
            signs = (job["heartbeat_at"], job["started_at"], job["created_at"])
            last = dt.datetime.fromisoformat(last_sign(*signs))
            if silent(last, dt.datetime.now(dt.UTC)):  # its process stopped: it never ends
                job.update(status="failed", finished_at=now(), error=interrupted(last, self.then))
                self.write(job)
        job["rate"] = _rate(job)
        return job

    def beat(self, job_id: str) -> None:
        """A running job's sign of life (its `heartbeat` file touched)."""
        (self.folder(job_id) / "heartbeat").touch()

    def _heartbeat(self, job_id: str) -> str | None:
        """When the job last gave a sign of life, if it ever did."""
        try:
            touched = (self.folder(job_id) / "heartbeat").stat().st_mtime
        except FileNotFoundError:
            return None
        return dt.datetime.fromtimestamp(touched, dt.UTC).isoformat()

    def list(self, viewer: str | None = None) -> list[dict[str, Any]]:
        """Every job (`viewer` set: only theirs), newest first."""
        found = []
        for path in self.root.glob("*/job.json") if self.root.is_dir() else ():
            try:
                found.append(self.get(path.parent.name, viewer))
            except (NotFound, OSError, ValueError):  # another's, or being created or removed
                continue
        return sorted(found, key=lambda job: job["created_at"], reverse=True)

    def start(self, job: dict[str, Any]) -> bool:
        """Mark a pending job running; False (and cancelled if it was pending) when it may not."""
        if job["status"] != "pending" or self.cancel_asked(job["id"]):
            if job["status"] == "pending":
                self.finish(job, "cancelled", None)
            return False
        job.update(status="running", started_at=job.get("started_at") or now())  # kept: resumed
        self.write(job)
        return True

    def resume(self, job_id: str, viewer: str | None = None) -> dict[str, Any]:
        """Make a failed job, or a cancelled one that ran, pending again; JobNotResumable if not.

        A job cancelled before it ran is not resumed: its run may still be about to start.
        """
        job = self.get(job_id, viewer)  # one whose process stopped reads failed first
        ran = job["status"] == "cancelled" and job["started_at"] and job["finished_at"]
        if job["status"] != "failed" and not ran:
            raise JobNotResumable(job_id, job["status"], self.kind)
        (self.folder(job_id) / "cancel").unlink(missing_ok=True)
        self.beat(job_id)  # heard of now: pending, not yet silent
        job.update(status="pending", finished_at=None, error=None)
        self.write(job)
        return self.get(job_id)

    def cancel(self, job_id: str, viewer: str | None = None) -> dict[str, Any]:
        """Ask a job to stop; a pending one is cancelled now, a finished one left as it is."""
        job = self.get(job_id, viewer)
        if job["status"] not in FINISHED:
            (self.folder(job_id) / "cancel").touch()
            if job["status"] == "pending":
                self.finish(job, "cancelled", None)
        return self.get(job_id)

    def cancel_asked(self, job_id: str) -> bool:
        """Whether someone asked the job to stop."""
        return (self.folder(job_id) / "cancel").exists()

    def finish(self, job: dict[str, Any], status: str, error: str | None) -> dict[str, Any]:
        """Record how a job ended, and the job as it now reads."""
        job.update(status=status, finished_at=now(), error=error)
        self.write(job)
        return self.get(job["id"])

    def write(self, job: dict[str, Any]) -> None:
        """Replace a job's `job.json` whole (readers see the old or the new, never a part)."""
        path = self.folder(job["id"]) / "job.json"
        partial = path.with_suffix(f".{uuid.uuid4().hex}.tmp")  # writers never share one
        kept = {k: v for k, v in job.items() if k not in DERIVED}
        partial.write_text(json.dumps(kept))
        os.replace(partial, path)


def now() -> str:
    """The time now, as a job records it."""
    return dt.datetime.now(dt.UTC).isoformat()


def _rate(job: dict[str, Any]) -> float:
    """Items per second since the job started (until it finished)."""
    if not job.get("started_at"):
        return 0.0
    start = dt.datetime.fromisoformat(job["started_at"])
    end = dt.datetime.fromisoformat(job["finished_at"]) if job.get("finished_at") else None
    seconds = ((end or dt.datetime.now(dt.UTC)) - start).total_seconds()
    return round(job["processed"] / seconds, 1) if seconds > 0 else 0.0
