"""Collections in Chromium: a family with two children through the "add another" pattern, with
and without JavaScript, to each child's amount and the total; a child removed; the chat."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.e2e.claimant import answer, continue_, start
from tests.e2e.conftest import Site, open_page


def two_children(page: Page, base: str) -> None:
    """Anna (10) and Ben (20, at school), then "all listed": ends on check your answers."""
    start(page, base, "family-allowance", "2024-05-01")
    answer(page, "Yes")
    expect(page.locator("h1")).to_have_text("Have you listed all your children?")
    answer(page, "No")
    expect(page).to_have_url(f"{base}/questions/children/c1/name")
    answer(page, "Anna")
    expect(page.locator("h1")).to_have_text("How old is Anna?")
    answer(page, "10")
    listed = page.locator(".listed")
    expect(listed.locator("h2.heading-m", has_text="Anna")).to_be_visible()
    expect(listed.get_by_role("button", name="Remove Anna")).to_be_visible()
    answer(page, "No")
    answer(page, "Ben")
    answer(page, "20")
    expect(page.locator("h1")).to_have_text("Is Ben in school or training?")
    answer(page, "Yes")
    answer(page, "Yes")
    expect(page).to_have_url(f"{base}/check")


def test_a_family_with_two_children_without_javascript(site: Site, browser: Browser) -> None:
    context, page, console = open_page(browser, javascript=False)
    two_children(page, site.base)
    anna = page.locator(".instance[data-pointer='/children/c1']")
    expect(anna.locator("[data-pointer='/children/c1/age'] .summary-list__value")).to_have_text(
        "10"
    )
    # Anna is ten: whether she is at school does not matter and was never asked
    expect(anna.locator("[data-pointer='/children/c1/in_education']")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("link", name="See the result").click()
    expect(page.locator("#goal-total + .result__value")).to_have_text("€500")
    for child in ("c1", "c2"):
        section = page.locator(f".result--instance[data-pointer='/children/{child}']")
        expect(section.locator(".result__value")).to_have_text("€250")
    expect(page.locator(".result--instance h2")).to_have_text(["Anna", "Ben"])
    context.close()
    assert console.problems == []


def test_change_and_remove_a_child(site: Site, page: Page) -> None:
    two_children(page, site.base)
    with page.expect_navigation():
        page.get_by_role("link", name="Change How old is Ben?").click()
    expect(page.locator("#answer")).to_have_value("20")
    page.fill("#answer", "30")
    continue_(page)
    expect(page).to_have_url(f"{site.base}/check")
    ben = page.locator(".instance[data-pointer='/children/c2']")
    expect(ben.locator("[data-pointer='/children/c2/age'] .summary-list__value")).to_have_text("30")
    with page.expect_navigation():
        ben.get_by_role("button", name="Remove Ben").click()
    expect(page).to_have_url(f"{site.base}/check")
    expect(page.locator(".instance h2")).to_have_text(["Anna"])
    with page.expect_navigation():
        page.get_by_role("link", name="See the result").click()
    expect(page.locator("#goal-total + .result__value")).to_have_text("€250")


def test_the_chat_asks_a_child_s_questions_as_messages(site: Site, page: Page) -> None:
    start(page, site.base, "family-allowance", "2024-05-01")
    answer(page, "Yes")
    answer(page, "No")
    page.goto(site.url("/chat"))
    expect(page.locator(".chat__message--bot").last).to_contain_text("What is the child's name?")
    page.locator("[data-chat-composer] #answer").fill("Anna")
    page.locator("[data-chat-composer] button[type=submit]").click()
    expect(page.locator(".chat__message--bot").last).to_contain_text("How old is Anna?")
