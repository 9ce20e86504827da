"""The impact report, for legal experts and auditors: what a reform changes, in their words.

Built from an assessment's (or a replay's) counts: how many claims gain or lose
eligibility, how amounts move (bands of the change per claim, and the whole
distribution), the total cost difference, the rules that made the difference
most often, and the failures. `impact_report` gives plain data (the API's JSON);
`report_text` the terminal's lines; `eligibility.batch.html` the page with charts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from eligibility.batch.effects import Distribution
from eligibility.records import ReplayJob

TOP_RULES = 10


def nice_step(spread: Decimal, bands: int = 5) -> Decimal:
    """A round band width (1, 2 or 5 × 10^k) so that `spread` spans about `bands` bands."""
    if spread <= 0:
        return Decimal(1)
    rough = spread / bands
    power = Decimal(10) ** rough.adjusted()
    for factor in (1, 2, 5, 10):
        if power * factor >= rough:
            return power * factor
    return power * 10


def bands(distribution: Distribution) -> list[dict[str, Any]]:
    """Claims by band of their change: decreases, no change, increases (empty bands left out)."""
    changes = dict(distribution.moved())
    table: list[dict[str, Any]] = []
    unchanged = distribution.zero
    if changes:
        step = nice_step(max(abs(v) for v in changes))
        found: dict[int, list[Any]] = {}
        for value, count in changes.items():
            index = int((abs(value) / step).to_integral_value(rounding="ROUND_CEILING"))
            key = index if value > 0 else -index
            entry = found.setdefault(key, [0, Decimal(0)])
            entry[0] += count
            entry[1] += value * count
        for key in sorted(found):  # most negative first
            low, high = (abs(key) - 1) * step, abs(key) * step
            start, stop = (low, high) if key > 0 else (-high, -low)
            table.append(
                {
                    "band": f"{_signed(start)} … {_signed(stop)}",
                    "from": str(start),
                    "to": str(stop),
                    "claims": found[key][0],
                    "change": str(found[key][1]),
                }
            )
    if unchanged:
        position = next((i for i, b in enumerate(table) if Decimal(b["from"]) >= 0), len(table))
        same = {"band": "no change", "from": "0", "to": "0", "claims": unchanged, "change": "0"}
        table.insert(position, same)
    return table


def _signed(value: Decimal) -> str:
    return f"+{value}" if value > 0 else str(value)


def replay_summary(job: ReplayJob, max_errors: int = 50) -> dict[str, Any]:
    """A replay (what-if) job as an assessment summary: recorded outcomes against replayed."""
    summary = job.summary
    errors = list(summary.failed_ids.items())[:max_errors]
    return {
        "ruleset": job.ruleset_id,
        "version": "recorded",
        "reform": job.target_version
        or (f"the version of {job.target_as_of.isoformat()}" if job.target_as_of else "replayed"),
        "population": "recorded decisions",
        "status": job.status,
        "total": job.total,
        "processed": job.processed,
        "assessed": summary.unchanged + summary.changed,
        "failed": summary.failed,
        "errors": [{"row": None, "line": None, "id": i, "error": e} for i, e in errors],
        "failed_partitions": list(summary.failed_partitions),
        "labels": dict(summary.labels),
        "effects": dict(summary.effects),
    }


def replay_rows(results: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """A replay job's result rows in the shape of assessed rows (recorded → replayed)."""
    for result in results:
        yield {
            "row": result["sequence"],
            "line": None,
            "id": result["decision_id"],
            "status": result["status"],
            "goals": {
                goal: {"baseline": v.get("recorded"), "reform": v.get("replayed")}
                for goal, v in result.get("goals", {}).items()
            },
            "changes": [c for c in result.get("changes", []) if c.get("outcome_changed")],
        }


def impact_report(summary: Mapping[str, Any]) -> dict[str, Any]:
    """The report's content from an assessment summary (`Assessment.to_dict()`)."""
    labels = {**summary.get("labels", {}), **summary.get("effects", {}).get("labels", {})}
    effects = summary.get("effects") or {}
    reform = summary.get("reform")
    report: dict[str, Any] = {
        "ruleset": summary.get("ruleset"),
        "baseline": summary.get("version"),
        "reform": reform,
        "population": summary.get("population"),
        "status": summary.get("status"),
        "total": summary.get("total", 0),
        "processed": summary.get("processed", 0),
        "assessed": summary.get("assessed", 0),
        "failed": summary.get("failed", 0),
        "errors": summary.get("errors", []),
        "failed_partitions": summary.get("failed_partitions", []),
        "labels": labels,
        "outcomes": summary.get("outcomes", {}),
        "sums": summary.get("sums", {}),
    }
    if reform is None:
        return report
    report["changed"] = effects.get("changed", 0)
    report["eligibility"] = [
        {
            "goal": goal,
            "label": labels.get(goal, goal),
            "gained": effects.get("gained", {}).get(goal, 0),
            "lost": effects.get("lost", {}).get(goal, 0),
        }
        for goal in sorted(set(effects.get("gained", {})) | set(effects.get("lost", {})))
    ]
    report["amounts"] = [
        {
            "goal": goal,
            "label": labels.get(goal, goal),
            **sums,
            "bands": bands(Distribution.from_dict(effects["differences"][goal])),
            "distribution": effects["differences"][goal],
        }
        for goal, sums in effects.get("amounts", {}).items()
    ]
    rules = list(effects.get("by_rule", {}).items())[:TOP_RULES]
    report["rules"] = [{"rule": rule, **seen} for rule, seen in rules]
    report["by_goal"] = effects.get("by_goal", {})
    return report


def report_text(report: Mapping[str, Any]) -> str:
    """The report as lines for a terminal."""
    head = f"{report['ruleset']} {report['baseline']}"
    if report.get("reform"):
        head += f" → {report['reform']}"
    lines = [
        f"{head}: {report['status']}, {report['processed']} of {report['total']} rows "
        f"({report['assessed']} assessed, {report['failed']} failed)"
    ]
    labels = report.get("labels", {})
    if not report.get("reform"):
        for goal, counts in report.get("outcomes", {}).get("baseline", {}).items():
            shown = ", ".join(f"{value} {count}" for value, count in sorted(counts.items()))
            lines.append(f"  {labels.get(goal, goal)}: {shown}")
        for goal, total in report.get("sums", {}).get("baseline", {}).items():
            lines.append(f"  {labels.get(goal, goal)}: total {total}")
    else:
        lines.append(f"claims whose outcome changes: {report.get('changed', 0)}")
        for entry in report.get("eligibility", []):
            lines.append(f"  {entry['label']}: gained {entry['gained']}, lost {entry['lost']}")
        for entry in report.get("amounts", []):
            lines.append(
                f"  {entry['label']}: {entry['baseline']} → {entry['reform']} "
                f"(total difference {entry['difference']}, {entry['rows']} claims)"
            )
            for band in entry["bands"]:
                lines.append(
                    f"    {band['band']:>24}  {band['claims']:>8} claims  {band['change']}"
                )
        if report.get("rules"):
            lines.append("rules that made the difference most often:")
            for rule in report["rules"]:
                where = f" ({rule['legal_reference']})" if rule.get("legal_reference") else ""
                lines.append(f"  {rule['label']}{where}: {rule['rows']} claims")
    for error in report.get("errors", [])[:10]:
        where = f"line {error['line']}" if error.get("line") else f"row {error['row']}"
        if error.get("row") is None:
            where = str(error.get("id"))
        elif error.get("id"):
            where += f" ({error['id']})"
        lines.append(f"failed {where}: {error['error']}")
    for part in report.get("failed_partitions", []):
        lines.append(
            f"partition {part['index']} (rows {part['from']}–{part['to']}) did not complete: "
            f"{part['error']}"
        )
    return "\n".join(lines)
