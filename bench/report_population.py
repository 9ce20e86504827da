"""Section 13 of docs/performance.md: populations at issue 14's scale (bench/population.py)."""

from __future__ import annotations

from typing import Any


def table(head: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table as the rest of the report writes them."""
    from bench.report import _table  # the report imports this module

    return _table(head, rows)


def render(b: dict[str, Any]) -> str:
    """The 1,000,000-row assessment and the what-if of 1,000,000 stored decisions."""
    size = b.get("size", 0)
    assessed = [
        [
            r["workers"],
            r["mode"],
            r["rows"],
            r["seconds"],
            r["per_second"],
            r.get("scaling_efficiency"),
            r.get("per_worker_cpu_second"),
            r.get("per_worker_process_cpu_second"),
            r["peak_rss_mib_per_worker"],
        ]
        for r in b.get("assessment", [])
    ]
    head = ["workers", "assessed under", "rows", "seconds", "per second", "efficiency"]
    head += ["per worker CPU second", "per worker process CPU second", "peak RSS per worker (MiB)"]
    what_if = b.get("what_if") or {}
    replayed = [
        [
            r["workers"],
            r["decisions"],
            r["seconds"],
            r["per_second"],
            r.get("scaling_efficiency"),
            r.get("per_worker_cpu_second"),
            r.get("job_process_cpu_share"),
            r["peak_rss_mib_per_worker"],
        ]
        for r in what_if.get("rows", [])
    ]
    verified = what_if.get("chain_verified") or {}
    parts = [
        f"A seeded SNAP population of {size:,} rows (CSV) assessed under 2019-10-01 alone and "
        "against the reform 2020-03-01, on a Dask LocalCluster of 1 and of 2 workers:",
        "",
        table(head, assessed),
        "",
    ]
    if not replayed:
        parts.append("_The what-if of stored decisions at this size was not measured yet._")
    else:
        parts += [
            f"{size:,} decisions stored on PostgreSQL (SNAP and Kurzarbeitergeld; the corpus "
            "recorded through the service, the rest copies under new ids through the group "
            f"commit's append path, {what_if.get('fill_seconds', '?')} s), then a what-if job "
            "per rule set (every decision under SNAP 2020-03-01 or Kurzarbeitergeld 2026-01-01):",
            "",
            table(
                ["workers", "decisions", "seconds", "per second", "efficiency"]
                + ["per worker CPU second", "job's process CPU share", "peak RSS per worker (MiB)"],
                replayed,
            ),
            "",
            f"The chain verified afterwards: {'yes' if verified.get('ok') else 'NO'} "
            f"({verified.get('checked', 0):,} records recomputed from their content, "
            f"{verified.get('seconds', '?')} s one record after another"
            + (
                f"; {verified['in_ranges_seconds']} s in key ranges on 2 workers, the same "
                f"verdict: {'yes' if verified.get('in_ranges_same') else 'NO'}"
                if "in_ranges_seconds" in verified
                else ""
            )
            + ").",
        ]
    parts += [
        "",
        "Wall-clock rates and efficiency follow the machine's load; per worker CPU second is "
        "the steadier figure. Memory per worker is bounded by the partition, not the "
        "population: a partition holds at most 2,000 rows (`MAX_ROWS`) and streams them.",
    ]
    if b.get("note"):
        parts += ["", b["note"]]
    return "\n".join(parts)
