"""The impact report written out: report.json, report.html with its charts, affected.csv."""

from __future__ import annotations

import base64
import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, Template, select_autoescape

from eligibility.batch.charts import changes_chart, eligibility_chart
from eligibility.batch.effects import Distribution
from eligibility.batch.report import impact_report


@cache
def _template() -> Template:
    environment = Environment(
        loader=PackageLoader("eligibility.batch", ""),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("impact.html")


def charts(report: Mapping[str, Any]) -> dict[str, Any]:
    """Each chart of the report as SVG text: eligibility, and one per amount goal."""
    drawn: dict[str, Any] = {"amounts": {}}
    if any(e["gained"] or e["lost"] for e in report.get("eligibility", [])):
        drawn["eligibility"] = eligibility_chart(report["eligibility"])
    for entry in report.get("amounts", []):
        distribution = Distribution.from_dict(entry["distribution"])
        drawn["amounts"][entry["goal"]] = changes_chart(entry["label"], distribution)
    return drawn


def render_html(report: Mapping[str, Any], svgs: Mapping[str, Any]) -> str:
    """The report as one page, its charts inside it (every text escaped)."""
    embedded = {
        "eligibility": _b64(svgs["eligibility"]) if "eligibility" in svgs else "",
        "amounts": {goal: _b64(svg) for goal, svg in svgs.get("amounts", {}).items()},
    }
    return _template().render(report=report, charts=embedded)


def _b64(svg: str) -> str:
    return base64.b64encode(svg.encode("utf-8")).decode("ascii")


def affected_lines(report: Mapping[str, Any], rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """The claims whose outcome changed as CSV: row, line, id, the changes, each goal old → new."""
    labels = report.get("labels", {})
    goals: list[str] = list(labels)
    buffer = _Line()
    writer = csv.writer(buffer)
    header = ["row", "line", "id", "changes"]
    header += [f"{labels.get(g, g)} ({g})" for g in goals]
    writer.writerow(header)
    yield buffer.take()
    for row in rows:
        if row.get("status") != "changed":
            continue
        values = row.get("goals", {})
        cells = [row["row"], row.get("line") or "", row.get("id") or ""]
        cells.append("; ".join(change["text"] for change in row.get("changes", [])))
        cells += [_old_new(values.get(g)) for g in goals]
        writer.writerow(cells)
        yield buffer.take()


def _old_new(value: Mapping[str, Any] | None) -> str:
    if not value:
        return ""
    old, new = _shown(value.get("baseline")), _shown(value.get("reform"))
    return old if old == new else f"{old} → {new}"


def _shown(value: Any) -> str:
    if value is None:
        return "undecided"
    return str(value).lower() if isinstance(value, bool) else str(value)


class _Line:
    """A file-like sink for csv.writer that hands back each line."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def take(self) -> str:
        text, self.text = self.text, ""
        return text


def write_report(
    folder: str | Path, summary: Mapping[str, Any], rows: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """report.json, report.html, charts/*.svg and affected.csv into `folder`; the report."""
    out = Path(folder)
    report = impact_report(summary)
    (out / "report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    svgs = charts(report)
    (out / "charts").mkdir(parents=True, exist_ok=True)
    if "eligibility" in svgs:
        (out / "charts" / "eligibility.svg").write_text(svgs["eligibility"], encoding="utf-8")
    for goal, svg in svgs["amounts"].items():
        (out / "charts" / f"{goal}-changes.svg").write_text(svg, encoding="utf-8")
    (out / "report.html").write_text(render_html(report, svgs), encoding="utf-8")
    with (out / "affected.csv").open("w", encoding="utf-8", newline="") as affected:
        affected.writelines(affected_lines(report, rows))
    return report
