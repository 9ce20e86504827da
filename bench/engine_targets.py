"""Issue 13's targets for the production (durable) path, read from the evaluation bench (1).

`evaluate()` of the headline version's complete answer sets, CPU time, both paths taken
in turns in one run: durable ÷ pure ≤ 1.2 × on every rule set with complete sets, SNAP
≤ 45 µs per call, Kurzarbeitergeld ≥ 15,000 per second per core.
"""

from __future__ import annotations

from typing import Any

Target = tuple[str, str, str, bool | None]
LABELS = {"snap": "SNAP", "kurzarbeitergeld": "KUG", "fishing-licence": "fishing licence"}


def durable_targets(bench: dict[str, Any]) -> list[Target]:
    """(key, target, measured, met) of the three targets; "not measured" without rows."""
    rows = {
        r["ruleset"]: r
        for r in (bench.get("evaluation") or {}).get("rows", [])
        if r["headline"] and r.get("durable_complete") and r.get("pure_complete")
    }
    snap, kug = rows.get("snap"), rows.get("kurzarbeitergeld")
    ratio = "durable path ÷ pure path ≤ 1.2 × (complete `evaluate()`, headline versions)"
    snap_target = "SNAP complete `evaluate()`, production path ≤ 45 µs"
    kug_target = "Kurzarbeitergeld complete, production path ≥ 15,000/s per core"
    if snap is None or kug is None:
        return [(key, text, "not measured", None) for key, text in (
            ("durable_over_pure", ratio), ("snap_45us", snap_target), ("kug_15000", kug_target)
        )]  # fmt: skip
    ratios = {  # CPU time, both paths taken in turns
        rid: r["durable_complete"]["cpu_us_per_call"] / r["pure_complete"]["cpu_us_per_call"]
        for rid, r in rows.items()
    }
    measured = ", ".join(f"{LABELS.get(rid, rid)} {q:.2f} ×" for rid, q in ratios.items())
    snap_us = snap["durable_complete"]["cpu_us_per_call"]
    pure_us = snap["pure_complete"]["cpu_us_per_call"]
    rate = kug["durable_complete"]["cpu_per_second"]
    return [
        ("durable_over_pure", ratio, measured, max(ratios.values()) <= 1.2),
        (
            "snap_45us",
            snap_target,
            f"{snap_us:,.0f} µs ({snap['version']}; pure path {pure_us:,.0f} µs)",
            snap_us <= 45,
        ),
        (
            "kug_15000",
            kug_target,
            f"{rate:,.0f}/s ({kug['version']}; pure path "
            f"{kug['pure_complete']['cpu_per_second']:,.0f}/s)",
            rate >= 15_000,
        ),
    ]


def floor_target(bench: dict[str, Any]) -> Target:
    """Issue 13's project ÷ hand-written three-valued floor ≤ 5 × (SNAP 2019-10-01, from the
    ZEN bench (3), where the floor is timed in turns with the project's paths)."""
    text = "project ÷ hand-written three-valued floor ≤ 5 × (SNAP `evaluate()`, production path)"
    rows = (bench.get("zen") or {}).get("rows", [])
    row = next((r for r in rows if r["version"] == "2019-10-01"), None)
    ratios = (row or {}).get("cost_ratio_project_over_three_valued_floor")
    if not ratios:
        return ("three_valued_floor", text, "not measured", None)
    floor = row["timings"]["floor_python_three_valued"]["cpu_us_per_call"]  # type: ignore[index]
    durable, pure = ratios["project_evaluate_durable"], ratios["project_evaluate_pure"]
    measured = (
        f"{durable:.1f} × (pure path {pure:.1f} ×; floor {floor:,.1f} µs, bare generated "
        f"computation {ratios['project_compute_pure']:.1f} ×)"
    )
    return ("three_valued_floor", text, measured, durable <= 5)
