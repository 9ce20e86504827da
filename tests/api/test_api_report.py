"""The decision report: HTML and PDF (text extracted with pypdf), in the claimant's language."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from flask.testing import FlaskClient
from pypdf import PdfReader

from eligibility.reports.model import day
from tests.api.api_helpers import assert_problem

DECISIONS = "/v1/decisions"
SENIOR = {"age": 70, "resident": True, "income": "5000.00"}


def decide(api: FlaskClient, keys: Any, locale: str, answers: dict[str, Any]) -> Any:
    body = {"ruleset": "fishing-licence", "as_of": "2024-06-01", "answers": answers}
    response = api.post(DECISIONS, json={**body, "locale": locale}, headers=keys["client"])
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def flat(text: str) -> str:
    """Text with every run of white space removed (PDF lines break long hashes)."""
    return re.sub(r"\s+", "", text)


def test_the_html_report_in_german(api: FlaskClient, keys: Any) -> None:
    decision = decide(api, keys, "de", SENIOR)
    response = api.get(f"{DECISIONS}/{decision['id']}/report", headers=keys["auditor"])
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert response.headers["Content-Language"] == "de"
    page = response.get_data(as_text=True)
    assert '<html lang="de">' in page and "<script" not in page
    for expected in (
        "<h1>Entscheidung</h1>",
        "Ermäßigter Angelschein",  # the rule set's title in German
        "<td>01.06.2024</td>",  # the date as written in German
        'Reduced licence:</span> <span class="value">ja</span>',  # no German label: English
        "(Fisheries Act § 12 (1) No. 1)",  # the reason's legal reference
        "Ihre Angaben, auf die es ankam",
        "<th>Wie alt sind Sie?</th><td>70</td>",
        f"fishing-licence {decision['ruleset']['version']}",
        decision["ruleset"]["content_hash"],
        f"<td>#{decision['sequence']}</td>",
        decision["hash"],
        decision["prev_hash"],
    ):
        assert expected in page, expected
    assert "What is your monthly income?" not in page  # an answer that did not matter


def test_the_pdf_report_holds_the_same_content(api: FlaskClient, keys: Any) -> None:
    decision = decide(api, keys, "en", {"age": 30, "income": "900.00", "resident": True})
    url = f"{DECISIONS}/{decision['id']}/report"
    by_query = api.get(url + "?format=pdf", headers=keys["auditor"])
    by_accept = api.get(url, headers={**keys["auditor"], "Accept": "application/pdf"})
    for response in (by_query, by_accept):
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.get_data().startswith(b"%PDF-")
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.headers["Content-Disposition"] == (
            f'inline; filename="decision-{decision["id"][:8]}.pdf"'
        )
    reader = PdfReader(io.BytesIO(by_query.get_data()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Decision",
        "Reduced fishing licence",
        "Reduced licence: yes",
        "Reduction: 20",
        "Your income is at most 1,200.",
        "(Fisheries Act § 12 (1) No. 2)",
        "Your answers that mattered",
        "What is your monthly income?",
        "900",
        "Position in the audit chain",
        f"#{decision['sequence']}",
    ):
        assert expected in text, (expected, text)
    assert decision["ruleset"]["content_hash"] in flat(text)
    assert decision["hash"] in flat(text)
    assert "How old are you?" not in text  # ignored: the income decided it


def test_report_roles_and_formats(api: FlaskClient, keys: Any) -> None:
    decision = decide(api, keys, "en", SENIOR)
    url = f"{DECISIONS}/{decision['id']}/report"
    for role in ("client", "author", "publisher"):
        assert_problem(api.get(url, headers=keys[role]), 403)
    assert_problem(api.get(url), 401)
    assert_problem(api.get(f"{DECISIONS}/nope/report", headers=keys["auditor"]), 404)
    refused = api.get(url, headers={**keys["auditor"], "Accept": "image/png"})
    assert_problem(refused, 406, "not-acceptable")
    assert_problem(api.get(url + "?format=xml", headers=keys["auditor"]), 422)
    anything = api.get(url, headers={**keys["auditor"], "Accept": "*/*"})
    assert anything.mimetype == "text/html"


def test_dates_are_written_as_the_claimant_writes_them() -> None:
    assert day(dt.date(2023, 9, 1), "de") == "01.09.2023"
    assert day(dt.date(2023, 9, 1), "en") == "2023-09-01"


def test_the_report_is_described_in_the_openapi_document(api: FlaskClient) -> None:
    spec = api.get("/openapi.json").get_json()
    report = spec["paths"]["/v1/decisions/{decision_id}/report"]["get"]
    assert set(report["responses"]["200"]["content"]) == {"text/html", "application/pdf"}
    assert {"404", "406"} <= set(report["responses"]) and report["x-roles"] == ["auditor"]
    results = spec["paths"]["/v1/replays/{job_id}/results"]["get"]["responses"]["200"]
    assert set(results["content"]) == {"text/csv", "application/x-ndjson"}
