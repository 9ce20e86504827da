"""Chat mode: the same API session as a conversation, with JavaScript (progressive enhancement)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.claimant import SNAP_UTAH, start, summary
from tests.e2e.conftest import Site, audit


def _bot(page: Page) -> list[str]:
    return [m.strip() for m in page.locator(".chat__message--bot").all_inner_texts()]


def _send(page: Page, value: str) -> None:
    """Answer in the composer and wait for the reply (the next question or an error)."""
    composer = page.locator("[data-chat-composer]")
    replies = page.locator(".chat__message--bot")
    before = replies.count()
    if composer.locator("input[type=radio]").count():
        composer.get_by_label(value, exact=True).check()
    else:
        composer.locator("#answer").fill(value)
    composer.locator("button[type=submit]").click()
    expect(replies.nth(before)).to_be_attached()


def test_the_interview_as_a_chat(site: Site, page: Page) -> None:
    start(page, site.base, "snap", "2020-01-15")
    with page.expect_navigation():
        page.get_by_role("link", name="Switch to a chat").click()
    log = page.locator("[data-chat-log]")
    expect(log.locator(".chat__message--bot").last).to_contain_text("In which state do you live?")
    # "Why?" is a reply in the conversation, with the legal reference.
    page.get_by_role("button", name="Why?").click()
    expect(log.locator(".chat__message--user").last).to_have_text("Why?")
    expect(log.locator(".chat__message--bot").last).to_contain_text("7 U.S.C.")
    _send(page, "Utah")
    expect(log.locator(".chat__message--user").last).to_have_text("Utah")
    expect(log.locator(".chat__message--bot").last).to_contain_text("How many people")
    expect(page.locator("[data-chat-composer] #answer")).to_be_focused()
    _send(page, "lots")
    expect(log.locator(".chat__message--bot").last).to_contain_text("Enter a whole number")
    expect(page.locator("[data-chat-composer] #answer")).to_have_value("lots")
    _send(page, "3")
    expect(log.locator(".chat__message--user").last).to_have_text("3")
    # the conversation under way (messages, a "why?" reply, the composer): no violations
    audit(page, "chat")
    for question in list(SNAP_UTAH)[2:]:
        _send(page, SNAP_UTAH[question])
    expect(log.locator(".chat__message--bot").last).to_contain_text("Estimated monthly benefit")
    assert any(text.startswith("Eligible for SNAP") for text in _bot(page))
    expect(page.get_by_role("link", name="See the result")).to_be_visible()
    # The same session: the pages show what was said in the chat.
    page.goto(site.url("/check"))
    shown = summary(page)
    assert shown["state"] == "Utah" and shown["earned_income_monthly"] == "$1,234.56"
