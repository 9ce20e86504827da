"""The report as one self-contained HTML page (no scripts, no outside resources)."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, Template, select_autoescape

from eligibility.reports.model import DecisionReport


@cache
def _template() -> Template:
    environment = Environment(
        loader=PackageLoader("eligibility.reports", ""),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("report.html")


def render_html(report: DecisionReport) -> str:
    """The report as HTML in the claimant's language (every text escaped)."""
    return _template().render(report=report, words=report.words)
