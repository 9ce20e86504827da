"""Accessibility in Chromium: axe-core (WCAG 2.2 AA) on every page type, with a screenshot of
each for the docs, and one whole interview with the keyboard only."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.claimant import SNAP_UTAH, answer, answer_all, continue_, fill_date, start
from tests.e2e.conftest import Site, audit, screenshot


def test_every_page_type_has_no_violations(site: Site, page: Page) -> None:
    page.goto(site.url("/"))
    audit(page, "start")
    start(page, site.base, "snap", "2020-01-15")
    page.goto(site.url("/start/snap"))
    audit(page, "question-date")
    continue_(page)
    audit(page, "question-radios")
    answer(page, "Utah")
    page.fill("#answer", "none")
    continue_(page)
    audit(page, "question-error")
    answer(page, "3")
    answer(page, "No")
    page.locator("summary").click()
    audit(page, "question-amount")
    answer_all(page, {k: v for k, v in SNAP_UTAH.items()})
    audit(page, "check-answers")
    with page.expect_navigation():
        page.get_by_role("link", name="See the result").click()
    audit(page, "result")
    page.emulate_media(media="print")
    screenshot(page, "result-print")
    page.emulate_media(media="screen")
    page.goto(site.url("/save"))
    audit(page, "save", hide=("[data-expires]", ".resume-link"))
    page.goto(site.url("/chat"))
    expect(page.locator(".chat__message--bot").last).to_be_visible()
    audit(page, "chat-end")
    page.goto(site.url("/nothing-here"))
    audit(page, "not-found")
    # a form sent with a token that is not the cookie's (a forged one, or an old tab's)
    page.goto(site.url("/start/snap"))
    page.locator("input[name=csrf_token]").evaluate("input => { input.value = 'forged'; }")
    fill_date(page, "2020-01-15")
    continue_(page)
    expect(page.locator("h1")).to_have_text("Your form has expired")
    audit(page, "form-expired")
    page.goto(site.url("/resume/00000000-0000-0000-0000-000000000000"))
    audit(page, "session-ended")


def test_a_question_of_each_kind_in_german(site: Site, seite: Page) -> None:
    start(seite, site.base, "kurzarbeitergeld", "2020-04-01")
    audit(seite, "frage-auswahl")
    answer(seite, "Wirtschaftliche Gründe")
    audit(seite, "frage-datum")
    knock_outs = ("Ja", "Nein", "Ja", "Ja", "Ja", "Nein", "Nein", "Nein", "Nein")
    for value in ("2020-04-01", "2020-04-03", *knock_outs, "50", "4", "2500"):
        answer(seite, value)
    audit(seite, "frage-betrag")


FOCUS_VISIBLE = """() => {
  const style = getComputedStyle(document.activeElement);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  return outline || style.boxShadow !== "none";
}"""
FOCUSED = """() => {
  const e = document.activeElement;
  const label = e.id && document.querySelector(`label[for="${e.id}"]`);
  if (e.type === "radio") return "radio " + label.textContent.trim();
  if (e.tagName === "INPUT") return "input " + e.id;
  if (e.tagName === "SUMMARY") return "disclosure " + e.textContent.trim();
  return e.tagName.toLowerCase() + " " + e.textContent.replace(/\\s+/g, " ").trim();
}"""


def tab(page: Page) -> str:
    """Press Tab; the element focused, described, after checking its focus is visible."""
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS_VISIBLE), f"no visible focus on {page.evaluate(FOCUSED)}"
    focused: str = page.evaluate(FOCUSED)
    return focused


def tab_to(page: Page, wanted: str) -> None:
    """Press Tab until the element described as `wanted` has focus."""
    seen = [tab(page)]
    while not seen[-1].startswith(wanted):
        assert len(seen) < 30, seen
        seen.append(tab(page))


def test_an_interview_with_the_keyboard_only(site: Site, page: Page) -> None:
    page.goto(site.url("/"))
    tab_to(page, "a Start now: SNAP")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Which date should we check?")
    tab_to(page, "input answer-day")
    page.keyboard.type("15")
    assert tab(page) == "input answer-month"
    page.keyboard.type("1")
    assert tab(page) == "input answer-year"
    page.keyboard.type("2020")
    tab_to(page, "button Continue")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("In which state do you live?")
    order = [tab(page) for _ in range(11)]
    assert order == [
        "a Skip to main content",
        "a Check what you can get",
        "a Español",
        "a Back",
        "radio Illinois",
        "disclosure Why we ask this",
        "button Continue",
        "a Check your answers",
        "a Save and come back later",
        "a Switch to a chat",
        "a API documentation",
    ]
    page.reload()
    answers = {**SNAP_UTAH, "state": "Illinois"}
    while "/questions/" in page.url:
        _answer_by_keyboard(page, answers[page.url.rsplit("/", 1)[-1]])
    expect(page.locator("h1")).to_have_text("Check your answers")
    tab_to(page, "a See the result")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Your result")


def _answer_by_keyboard(page: Page, value: str) -> None:
    heading = page.locator("h1").inner_text()
    if page.evaluate("() => document.activeElement === document.body"):
        # A new page: the first Tab reaches the skip link, which jumps past the header.
        assert tab(page) == "a Skip to main content"
        page.keyboard.press("Enter")
        assert tab(page).startswith(("radio", "input"))
    else:
        tab_to(page, "radio" if page.locator("input[type=radio]").count() else "input answer")
    if page.evaluate(FOCUSED).startswith("radio"):
        while page.evaluate(FOCUSED) != f"radio {value}":
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
    else:
        page.keyboard.type(value)
    page.keyboard.press("Enter")  # Enter in a field submits its form, as in any browser
    expect(page.locator("h1")).not_to_have_text(heading)


def test_the_pages_of_a_collection_have_no_violations(site: Site, page: Page) -> None:
    start(page, site.base, "family-allowance", "2024-05-01")
    answer(page, "Yes")
    audit(page, "collection-intro")
    answer(page, "No")
    answer(page, "Anna")
    audit(page, "collection-question")
    answer(page, "10")
    audit(page, "collection-another")
    continue_(page)  # nothing chosen: the error summary above the list, the error at the question
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("fieldset #answer-error")).to_contain_text("Select an answer")
    audit(page, "collection-another-error")
    answer(page, "No")
    answer(page, "Ben")
    answer(page, "20")
    answer(page, "Yes")
    answer(page, "Yes")
    audit(page, "collection-check")
    with page.expect_navigation():
        page.get_by_role("link", name="See the result").click()
    audit(page, "collection-result")
    # printed: each child's amount and the total, without the page's links and buttons
    page.emulate_media(media="print")
    expect(page.locator(".result--instance")).to_have_count(2)
    expect(page.locator(".result--instance").first).to_be_visible()
    expect(page.locator("#goal-total")).to_be_visible()
    expect(page.locator(".page-links")).to_be_hidden()
    expect(page.locator(".back-link")).to_be_hidden()
    screenshot(page, "collection-result-print")
    page.emulate_media(media="screen")
    page.goto(site.url("/chat"))
    expect(page.locator(".chat__message--bot").last).to_contain_text("Allowance for this child")
    audit(page, "chat-end-collection")
    page.goto(site.url("/check"))
    with page.expect_navigation():
        page.get_by_role("link", name="Remove Ben").click()
    audit(page, "collection-remove")
    continue_(page)
    audit(page, "collection-remove-error")


def test_the_pages_of_a_how_many_list_have_no_violations(site: Site, page: Page) -> None:
    start(page, site.base, "employer-claim", "2024-05-01")
    answer(page, "Yes")
    audit(page, "collection-how-many")
    answer(page, "2")
    audit(page, "collection-instance")  # "Employee 1 of 2"
    for value in ("Ada", "3000", "1500", "Bo", "2000", "2000"):
        answer(page, value)
    page.goto(site.url("/questions/employees_count"))
    page.fill("#answer", "1")
    continue_(page)
    expect(page.locator(".error-summary")).to_be_focused()
    audit(page, "collection-how-many-error")
    page.goto(site.url("/remove/employees/e1?then=next"))
    answer(page, "Yes")
    expect(page).to_have_url(site.url("/add/employees"))
    audit(page, "collection-add")


def test_a_how_many_list_and_a_removal_with_the_keyboard_only(site: Site, page: Page) -> None:
    start(page, site.base, "employer-claim", "2024-05-01")
    answer(page, "Yes")
    # "how many?" is a question page: focus goes from the back link to the box, then on
    page.reload()
    order = [tab(page) for _ in range(8)]
    assert order == [
        "a Skip to main content",
        "a Check what you can get",
        "a Deutsch",
        "a Back",
        "input answer",
        "disclosure Why we ask this",
        "button Continue",
        "a Check your answers",
    ]
    page.reload()
    for value in ("2", "Ada", "3000", "1500", "Bo", "2000", "2000"):
        _answer_by_keyboard(page, value)
    expect(page.locator("h1")).to_have_text("Check your answers")
    tab_to(page, "a Remove Ada")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Are you sure you want to remove Ada?")
    order = [tab(page) for _ in range(6)]
    assert order == [
        "a Skip to main content",
        "a Check what you can get",
        "a Deutsch",
        "a Back",
        "radio Yes",
        "button Continue",
    ]
    page.reload()
    _answer_by_keyboard(page, "Yes")
    expect(page.locator("h1")).to_have_text("Check your answers")
    expect(page.locator(".instance h2")).to_have_text(["Bo"])


def test_the_chat_without_javascript_has_no_violations(site: Site, page: Page) -> None:
    # axe-core runs through the DevTools protocol, which a context without JavaScript refuses: the
    # page's own scripts are served empty instead, so it is drawn as without JavaScript
    page.route(
        "**/assets/*.js",
        lambda route: route.fulfill(status=200, content_type="text/javascript", body=""),
    )
    start(page, site.base, "snap", "2020-01-15")
    page.goto(site.url("/chat"))
    expect(page.locator("[data-no-js]")).to_be_visible()
    expect(page.get_by_role("link", name="Switch back to pages")).to_be_visible()
    audit(page, "chat-no-js")
