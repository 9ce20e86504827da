"""Whole interviews in Chromium: SNAP and Kurzarbeitergeld to the result, changing an answer,
errors, the language switch, no JavaScript, and resuming from a link on another device."""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import Browser, Page, expect

from tests.e2e.claimant import (
    KUG_APRIL_2020_API,
    KUG_APRIL_2020_DE,
    SNAP_UTAH,
    SNAP_UTAH_API,
    answer,
    answer_all,
    continue_,
    expected_goals,
    question_id,
    results,
    start,
    summary,
)
from tests.e2e.conftest import Site, open_page


def test_a_snap_interview_to_the_result(site: Site, page: Page) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    start(page, site.base, "snap", "2020-01-15")
    asked = answer_all(page, SNAP_UTAH)
    assert asked == list(SNAP_UTAH)
    shown = summary(page)
    assert shown["state"] == "Utah"
    assert shown["earned_income_monthly"] == "$1,234.56"
    assert shown["has_elderly_or_disabled_member"] == "No"
    with page.expect_navigation():
        page.get_by_role("link", name="See the result").click()
    expect(page.locator("h1")).to_have_text("Your result")
    benefit = expected_goals(site.base, "snap", "2020-01-15", SNAP_UTAH_API)
    assert benefit["eligible"] is True
    shown_benefit = f"${int(benefit['estimated_monthly_benefit']):,}"
    assert results(page) == {"Eligible for SNAP": "Yes", "Estimated monthly benefit": shown_benefit}
    expect(page.locator(".reasons").first).to_contain_text("7 CFR")
    # No answer ever travels in a URL or lands in the server's log.
    assert not [url for url in requested if "1234" in url or "Utah" in url]
    # Request ids are random hex and may hold "1234" by chance: the answers must not.
    assert "1234" not in re.sub(r"\b[0-9a-f]{32}\b", "", site.log.read_text())


def test_a_kurzarbeitergeld_interview_in_german_to_the_result(site: Site, seite: Page) -> None:
    page = seite
    start(page, site.base, "kurzarbeitergeld", "2020-04-01")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    asked = answer_all(page, KUG_APRIL_2020_DE)
    assert asked[:4] == ["cause", "claim_month", "notification_date", "loss_temporary"]
    assert "agency_worker" not in asked and "negative_balances_used" not in asked
    assert asked[-3:] == ["entitlement_start_month", "net_target_pay", "net_actual_pay"]
    shown = summary(page)
    assert shown["claim_month"] == "1. April 2020"
    assert shown["net_target_pay"] == "1.700\u00a0€"
    with page.expect_navigation():
        page.get_by_role("link", name="Ergebnis anzeigen").click()
    expected = expected_goals(site.base, "kurzarbeitergeld", "2020-04-01", KUG_APRIL_2020_API)
    assert expected["benefit_rate"] == "0.60"
    amount = Decimal(expected["benefit_amount"])
    assert results(page) == {
        "Anspruch auf Kurzarbeitergeld": "Ja",
        "Leistungssatz": "60\u00a0%",
        "Kurzarbeitergeld für den Monat (Euro)": f"{amount:.0f}\u00a0€"
        if amount == amount.to_integral_value()
        else f"{amount:.2f}\u00a0€".replace(".", ","),
        "Längste Bezugsdauer (Monate)": str(expected["max_duration_months"]),
    }
    expect(page.locator(".reasons").first).to_contain_text("SGB III")


def test_changing_an_answer_from_check_your_answers(site: Site, page: Page) -> None:
    start(page, site.base, "snap", "2020-01-15")
    answer_all(page, SNAP_UTAH)
    assert "assets" in summary(page)
    page.get_by_role("link", name="Change In which state do you live?").click()
    expect(page.get_by_label("Utah")).to_be_checked()
    answer(page, "Illinois")
    # Illinois has no asset test: the answer about money in the bank stops mattering.
    expect(page).to_have_url(site.url("/check"))
    shown = summary(page)
    assert shown["state"] == "Illinois" and "assets" not in shown
    page.get_by_role("link", name="Change How many people").click()
    expect(page.locator("#answer")).to_have_value("3")
    answer(page, "4")
    assert summary(page)["household_size"] == "4"


def test_a_wrong_answer_shows_the_error_summary_and_keeps_the_others(
    site: Site, seite: Page
) -> None:
    page = seite
    start(page, site.base, "kurzarbeitergeld", "2020-04-01")
    # The knock-outs of the work loss and of the employee come before the establishment's figures.
    knock_outs = ("Ja", "Nein", "Ja", "Ja", "Ja", "Nein", "Nein", "Nein", "Nein")
    for value in ("Wirtschaftliche Gründe", "2020-04-01", "2020-04-03", *knock_outs, "5"):
        answer(page, value)
    # The API's check (written by the authors, in German): more affected than employed.
    page.fill("#answer", "9")
    continue_(page)
    summary_box = page.locator(".error-summary")
    expect(summary_box).to_be_focused()
    expect(summary_box).to_contain_text("Es gibt ein Problem")
    expect(summary_box).to_contain_text("insgesamt 5")
    expect(page.locator("#answer-error")).to_contain_text("insgesamt 5")
    expect(page.locator("#answer")).to_have_value("9")
    expect(page).to_have_title("Fehler: " + page.title().removeprefix("Fehler: "))
    summary_box.get_by_role("link").click()
    expect(page.locator("#answer")).to_be_focused()
    # A value the control cannot take is caught before the API, in the claimant's language.
    page.fill("#answer", "viele")
    continue_(page)
    expect(page.locator("#answer-error")).to_contain_text("ganze Zahl")
    answer(page, "4")
    assert question_id(page) == "target_gross_pay"
    page.goto(site.url("/check"))
    shown = summary(page)
    assert shown["employees"] == "5" and shown["other_affected_employees"] == "4"


def test_the_language_switch(site: Site, page: Page) -> None:
    start(page, site.base, "snap", "2020-01-15")
    expect(page.locator("h1")).to_have_text("In which state do you live?")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Language").get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_have_text("¿En qué estado vive?")
    expect(page.locator("form.question button")).to_have_text("Continuar")
    assert "lang=" not in page.url
    answer(page, "Utah")
    expect(page.locator("h1")).to_contain_text("¿Cuántas personas")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Idioma").get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_contain_text("How many people")
    page.goto(site.url("/start/kurzarbeitergeld"))
    with page.expect_navigation():
        page.get_by_role("navigation", name="Language").get_by_role("link", name="Deutsch").click()
    expect(page.locator("h1")).to_have_text("Für welchen Tag sollen wir prüfen?")


def test_the_same_interview_without_javascript(site: Site, browser: Browser) -> None:
    context, page, console = open_page(browser, javascript=False)
    try:
        start(page, site.base, "snap", "2020-01-15")
        expect(page.get_by_role("link", name="Switch to a chat")).to_be_hidden()
        page.locator("summary").click()
        expect(page.locator(".details__text")).to_contain_text("7 U.S.C.")
        answer_all(page, SNAP_UTAH)
        with page.expect_navigation():
            page.get_by_role("link", name="See the result").click()
        assert results(page)["Eligible for SNAP"] == "Yes"
        page.goto(site.url("/chat"))
        expect(page.locator("[data-no-js]")).to_contain_text("The chat needs JavaScript")
    finally:
        context.close()
    assert console.problems == []


def test_resuming_from_the_link_on_another_device(site: Site, page: Page, browser: Browser) -> None:
    start(page, site.base, "snap", "2020-01-15")
    answer(page, "Vermont")
    answer(page, "2")
    with page.expect_navigation():
        page.get_by_role("link", name="Save and come back later").click()
    link = page.locator("[data-resume-link]").get_attribute("href")
    assert link and "/resume/" in link
    other, elsewhere, _ = open_page(browser)
    try:
        elsewhere.goto(link)
        assert question_id(elsewhere) == "has_elderly_or_disabled_member"
        elsewhere.goto(site.url("/check"))
        assert summary(elsewhere) == {"state": "Vermont", "household_size": "2"}
        elsewhere.goto(site.url("/resume/00000000-0000-0000-0000-000000000000"))
        expect(elsewhere.locator("h1")).to_have_text("Your answers have been deleted")
    finally:
        other.close()
