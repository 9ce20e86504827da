"""A decision report for claimants and auditors: what was decided, why, and how to check it.

    model   DecisionReport · build_report (a recorded decision + its version's texts)
    html    render_html (a self-contained page, no scripts, no outside resources)
    pdf     render_pdf (WeasyPrint, imported only when a PDF is asked for)
"""

from __future__ import annotations

from eligibility.reports.html import render_html
from eligibility.reports.model import DecisionReport, build_report
from eligibility.reports.pdf import render_pdf

__all__ = ["DecisionReport", "build_report", "render_html", "render_pdf"]
