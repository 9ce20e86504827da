"""Verifying the decision chain as a job: it outlives a request, shows progress, keeps its result.

Every record is read and hashed again, so a chain of a million records takes minutes,
far beyond one request's database budget. A job walks the chain with the batch budget
per transaction, saves how far it got, can be cancelled, and keeps its outcome beside
the head it verified up to and who asked: evidence of what was checked, and when.
It keeps the last record of the prefix it has verified clean (`verified_to`), so a
job that failed (its process stopped, its database went away) or was cancelled can be
resumed: it goes on after that record instead of starting again, and says where its
latest run started (`started_from`). Jobs are files (`JobFiles`), so every server
process answers for any of them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from eligibility.batch.cluster import Cluster
from eligibility.batch.heartbeat import beating
from eligibility.batch.job_files import JobFiles
from eligibility.batch.retention import Retention
from eligibility.checkpoints.settings import Checkpoints
from eligibility.decisions import ChainHead, ChainVerification
from eligibility.decisions.chain import ORIGIN
from eligibility.ports import Storage
from eligibility.services.audit import NO_CHECKPOINTS, verify_audit_chain
from eligibility.services.chain_ranges import PAGE, VerificationStopped
from eligibility.storage import for_batch

SAVE_SECONDS = 0.5
RESUME = "resume it to go on after the records it verified"  # an interrupted job's advice
KEEP = Retention(days=0, jobs=1000)  # the latest thousand outcomes, however old


class ChainVerifications:
    """The chain verification jobs kept under `root`."""

    def __init__(self, root: str | Path, keep: Retention | None = KEEP, page: int = PAGE) -> None:
        self.files = JobFiles(root, "chain verification", keep, then=RESUME)
        self.page = page  # records read (and progress saved) at a time

    def create(self, created_by: str) -> dict[str, Any]:
        """A pending verification of the chain as it will stand when the job starts."""
        return self.files.create(
            {"result": None, "verified_to": None, "started_from": None}, created_by
        )

    def get(self, job_id: str) -> dict[str, Any]:
        """A verification: status, records checked of the chain's, and its outcome once done."""
        return self.files.get(job_id)

    def list(self) -> list[dict[str, Any]]:
        """Every verification kept, newest first."""
        return self.files.list()

    def cancel(self, job_id: str) -> dict[str, Any]:
        """Stop a pending or running verification (it proves nothing then); idempotent."""
        return self.files.cancel(job_id)

    def resume(self, job_id: str) -> dict[str, Any]:
        """Make a failed verification, or a cancelled one that ran, pending again (JobNotResumable
        if not): its run goes on after the records it verified."""
        return self.files.resume(job_id)

    def run(
        self,
        store: Storage,
        job_id: str,
        checkpoints: Checkpoints = NO_CHECKPOINTS,
        cluster: Callable[[], Cluster | None] = lambda: None,
    ) -> dict[str, Any]:
        """Verify the chain for a pending job, keeping its progress and outcome in job.json.

        `cluster` gives the cluster to verify a database's chain on, in key ranges (None:
        here, record after record), asked once the job is running. A resumed job starts
        after the records it verified before (`verified_to`).
        """
        job = self.get(job_id)
        if not self.files.start(job):
            return self.get(job_id)
        start = _head(job.get("verified_to"))
        job["started_from"] = job.get("verified_to")
        saved = [time.monotonic()]

        def reached(head: ChainHead) -> None:
            job["verified_to"] = asdict(head)

        def progress(checked: int, total: int) -> None:
            job.update(processed=checked, total=total)
            if time.monotonic() - saved[0] >= SAVE_SECONDS:
                self.files.write(job)
                saved[0] = time.monotonic()

        own = for_batch(store)
        try:
            with beating(lambda: self.files.beat(job_id)):
                result = verify_audit_chain(
                    own,
                    checkpoints,
                    progress=progress,
                    stop=lambda: self.files.cancel_asked(job_id),
                    page=self.page,
                    cluster=cluster(),
                    start=start,
                    reached=reached,
                )
        except VerificationStopped as stopped:
            job.update(processed=stopped.checked)
            return self.files.finish(job, "cancelled", None)
        except Exception as error:
            self.files.finish(job, "failed", str(error) or type(error).__name__)
            raise
        finally:
            if own is not store:
                own.close()
        total = result.head.sequence if result.head is not None else result.checked
        if result.ok and result.head is not None:
            reached(result.head)
        job.update(processed=result.checked, total=total, result=outcome(result))
        return self.files.finish(job, "done", None)


def _head(kept: dict[str, Any] | None) -> ChainHead:
    """A head kept in a job (None: the place before the first record)."""
    return ChainHead(kept["sequence"], kept["hash"]) if kept else ORIGIN


def outcome(result: ChainVerification) -> dict[str, Any]:
    """A verification's outcome as kept and shown (as a verification in a request shows it)."""
    return {**asdict(result), "ok": result.ok, "message": str(result)}
