"""The report as PDF, rendered from its HTML by WeasyPrint (Pango draws the text)."""

from __future__ import annotations

from eligibility.reports.html import render_html
from eligibility.reports.model import DecisionReport


def render_pdf(report: DecisionReport) -> bytes:
    """The report as a PDF document (A4), its text searchable and copyable."""
    from weasyprint import HTML  # imported here: it loads Pango, needed only for PDFs

    pdf: bytes = HTML(string=render_html(report)).write_pdf()
    return pdf
