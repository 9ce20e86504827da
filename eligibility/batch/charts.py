"""The report's charts, drawn with matplotlib (no display needed) as SVG text."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from matplotlib.figure import Figure

from eligibility.batch.effects import Distribution
from eligibility.batch.report import nice_step

BINS = 30
GAINED, LOST, SAME, MOVED = "#2a7d3f", "#b3261e", "#8a8a8a", "#1f5fa8"


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    return buffer.getvalue()


def eligibility_chart(rows: Sequence[Mapping[str, Any]]) -> str:
    """Gained and lost per yes/no goal, side by side."""
    figure = Figure(figsize=(6.4, 0.8 + 0.6 * max(1, len(rows))))
    axes = figure.add_subplot()
    labels = [str(r["label"]) for r in rows]
    places = range(len(rows))
    axes.barh(
        [p + 0.2 for p in places], [r["gained"] for r in rows], 0.4, color=GAINED, label="gained"
    )
    axes.barh([p - 0.2 for p in places], [r["lost"] for r in rows], 0.4, color=LOST, label="lost")
    axes.set_yticks(list(places), labels)
    axes.set_xlabel("claims")
    axes.legend(loc="lower right")
    axes.set_title("Eligibility gained and lost")
    return _svg(figure)


def changes_chart(label: str, distribution: Distribution) -> str:
    """How many claims see their amount change by how much (no change shown apart)."""
    moved = dict(distribution.moved())
    figure = Figure(figsize=(6.4, 3.2))
    axes = figure.add_subplot()
    if moved:
        low, high = min(moved), max(moved)
        step = nice_step(high - low if high > low else abs(high) or Decimal(1), BINS)
        bins: dict[Decimal, int] = {}
        for value, count in moved.items():
            start = (value / step).to_integral_value(rounding="ROUND_FLOOR") * step
            bins[start] = bins.get(start, 0) + count
        starts = sorted(bins)
        colours = [LOST if s < 0 else MOVED for s in starts]
        axes.bar(
            [float(s) for s in starts],
            [bins[s] for s in starts],
            float(step),
            align="edge",
            color=colours,
        )
    unchanged = distribution.zero
    axes.set_title(f"{label}: change per claim ({unchanged} claims unchanged, not shown)")
    axes.set_xlabel("change of the amount")
    axes.set_ylabel("claims")
    return _svg(figure)
