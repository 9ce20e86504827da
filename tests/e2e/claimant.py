"""A claimant in the browser: starts an interview, answers what each page asks, reads results."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from playwright.sync_api import Page, expect

# Answers by question id: a radio's label, a date as YYYY-MM-DD, or what to type.
SNAP_UTAH = {
    "state": "Utah",
    "household_size": "3",
    "has_elderly_or_disabled_member": "No",
    "earned_income_monthly": "1234.56",
    "unearned_income_monthly": "0",
    "assets": "500",
    "dependent_care_costs_monthly": "0",
    "child_support_paid_monthly": "0",
    "rent_or_mortgage_monthly": "700",
    "homeowners_insurance_and_taxes_monthly": "0",
    "utility_allowance": "Heating or air conditioning",
}
# The same answers as the API takes them (to ask it for the expected result).
SNAP_UTAH_API = {
    "state": "UT",
    "household_size": 3,
    "has_elderly_or_disabled_member": False,
    "earned_income_monthly": "1234.56",
    "unearned_income_monthly": "0",
    "assets": "500",
    "dependent_care_costs_monthly": "0",
    "child_support_paid_monthly": "0",
    "rent_or_mortgage_monthly": "700",
    "homeowners_insurance_and_taxes_monthly": "0",
    "utility_allowance": "HEATING_AND_COOLING",
}
# April 2020 is decided by the correction 2020-03-01.1: agency work and negative balances are not
# asked (the KugV decides both), the start of the entitlement is (the KugBeV's benefit period).
KUG_APRIL_2020_API = {
    "cause": "economic",
    "claim_month": "2020-04-01",
    "notification_date": "2020-04-03",
    "employees": 50,
    "other_affected_employees": 4,
    "target_gross_pay": "2500",
    "actual_gross_pay": "1250",
    "loss_temporary": True,
    "loss_customary": False,
    "leave_used": True,
    "working_time_credits_used": True,
    "employment_continued": True,
    "employment_terminated": False,
    "sickness_benefit": False,
    "training_with_benefit": False,
    "refused_cooperation": False,
    "has_child": False,
    "entitlement_start_month": "2020-03-01",
    "net_target_pay": "1700.00",
    "net_actual_pay": "1000.00",
}
KUG_APRIL_2020_DE = {
    "cause": "Wirtschaftliche Gründe",
    "claim_month": "2020-04-01",
    "notification_date": "2020-04-03",
    "employees": "50",
    "other_affected_employees": "4",
    "target_gross_pay": "2500",
    "actual_gross_pay": "1250",
    "loss_temporary": "Ja",
    "loss_customary": "Nein",
    "leave_used": "Ja",
    "working_time_credits_used": "Ja",
    "employment_continued": "Ja",
    "employment_terminated": "Nein",
    "sickness_benefit": "Nein",
    "training_with_benefit": "Nein",
    "refused_cooperation": "Nein",
    "has_child": "Nein",
    "entitlement_start_month": "2020-03-01",
    "net_target_pay": "1700,00",
    "net_actual_pay": "1000,00",
}


def start(page: Page, base: str, ruleset: str, day: str) -> None:
    """Open the start page of a rule set and give the date to check."""
    page.goto(f"{base}/start/{ruleset}")
    fill_date(page, day)
    continue_(page)


def fill_date(page: Page, day: str) -> None:
    """Type a YYYY-MM-DD date into the day, month and year boxes."""
    year, month, date = day.split("-")
    page.fill("#answer-day", str(int(date)))
    page.fill("#answer-month", str(int(month)))
    page.fill("#answer-year", year)


def continue_(page: Page) -> None:
    """Press the page's Continue button and wait for the page that answers the form."""
    with page.expect_navigation():
        page.locator("form.question button[type=submit]").click()


def question_id(page: Page) -> str:
    """The question the page asks (its URL names it)."""
    assert "/questions/" in page.url, page.url
    return page.url.rsplit("/", 1)[-1]


def answer(page: Page, value: str) -> None:
    """Answer the page's question with a radio label, a date or typed text, and continue."""
    if page.locator("input[type=radio]").count():
        page.get_by_label(value, exact=True).check()
    elif page.locator("#answer-day").count():
        fill_date(page, value)
    else:
        page.fill("#answer", value)
    continue_(page)


def answer_all(page: Page, answers: dict[str, str]) -> list[str]:
    """Answer question after question until "check your answers"; the ids asked, in order."""
    asked: list[str] = []
    while "/questions/" in page.url:
        asked.append(question_id(page))
        assert len(asked) < 60, asked
        answer(page, answers[asked[-1]])
    expect(page).to_have_url(f"{page.url.split('/check')[0]}/check")
    return asked


def summary(page: Page) -> dict[str, str]:
    """Check your answers: the answer shown for each question id."""
    rows = page.locator(".summary-list__row[data-pointer]")
    return {
        rows.nth(i).get_attribute("data-pointer").lstrip("/"): rows.nth(i)  # type: ignore[union-attr]
        .locator(".summary-list__value")
        .inner_text()
        .strip()
        for i in range(rows.count())
    }


def results(page: Page) -> dict[str, str]:
    """The result page: each goal's label and value in words."""
    goals = page.locator("[data-chat=result]")
    return {
        goals.nth(i).locator("h2").inner_text().strip(): goals.nth(i)
        .locator(".result__value")
        .inner_text()
        .strip()
        for i in range(goals.count())
    }


def expected_goals(base: str, ruleset: str, as_of: str, answers: dict[str, Any]) -> dict[str, Any]:
    """What the API itself says for these answers (stateless, over HTTP): goal id → value."""
    body = json.dumps({"ruleset": ruleset, "as_of": as_of, "answers": answers}).encode()
    request = urllib.request.Request(
        f"{base}/v1/evaluations", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        goals = json.loads(response.read())["goals"]
    return {goal_id: goal["value"] for goal_id, goal in goals.items()}
