"""Collections in Chromium, the "add to a list" pattern: a family with two children with and
without JavaScript, an employer's list of employees (how many, then each one's pages; a number
below the list refused; removing one), the employer's
Kurzarbeitergeld claim and a Kindergeld claim to each one's amount and the total; a list's page
with the list above its question; removing only after "Yes"; the chat to each child's amount."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.e2e.claimant import answer, continue_, question_id, start
from tests.e2e.conftest import Site, open_page


def two_children(page: Page, base: str) -> None:
    """Anna (10) and Ben (20, at school), then "all listed": ends on check your answers."""
    start(page, base, "family-allowance", "2024-05-01")
    answer(page, "Yes")
    # the list's page introduces the collection before anyone is added to it
    expect(page.locator("h1")).to_have_text("You have added 0 children")
    expect(page.locator(".listing [data-empty]")).to_contain_text("Nothing is listed yet")
    expect(page.locator("legend h2")).to_have_text("Have you listed all your children?")
    answer(page, "No")
    expect(page).to_have_url(f"{base}/questions/children/c1/name")
    answer(page, "Anna")
    expect(page.locator("h1")).to_have_text("How old is Anna?")
    answer(page, "10")
    listing = page.locator(".listing")
    expect(listing.locator("dt")).to_have_text(["Anna"])
    expect(listing.get_by_role("link", name="Remove Anna")).to_be_visible()
    # the list so far is above the question that grows or closes it
    assert page.locator(".listing + form legend").count() == 1
    answer(page, "No")
    answer(page, "Ben")
    answer(page, "20")
    expect(page.locator("h1")).to_have_text("Is Ben in school or training?")
    answer(page, "Yes")
    expect(listing.locator("dt")).to_have_text(["Anna", "Ben"])
    answer(page, "Yes")
    expect(page).to_have_url(f"{base}/check")


def remove(page: Page, name: str, confirm: str) -> None:
    """Follow "Remove <name>" and answer "Are you sure…?" with `confirm`."""
    with page.expect_navigation():
        page.get_by_role("link", name=f"Remove {name}").click()
    expect(page.locator("h1")).to_have_text(f"Are you sure you want to remove {name}?")
    answer(page, confirm)


def test_a_family_with_two_children_without_javascript(site: Site, browser: Browser) -> None:
    context, page, console = open_page(browser, javascript=False)
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
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
    # removing asks first, without JavaScript too: "No" keeps Ben, "Yes" removes him
    page.goto(site.url("/check"))
    remove(page, "Ben", "No")
    expect(page).to_have_url(f"{site.base}/check")
    expect(page.locator(".instance h2")).to_have_text(["Anna", "Ben"])
    remove(page, "Ben", "Yes")
    expect(page.locator(".instance h2")).to_have_text(["Anna"])
    # the names given are answers: never in a URL (ids are the front end's own) or the log
    assert [u for u in urls if "Anna" in u or "Ben" in u] == []
    assert "Anna" not in site.log.read_text()
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
        ben.get_by_role("link", name="Remove Ben").click()
    continue_(page)  # nothing chosen: an error, and Ben stays
    expect(page.locator(".error-summary")).to_contain_text("Select yes if you want to remove Ben")
    answer(page, "Yes")
    expect(page).to_have_url(f"{site.base}/check")
    expect(page.locator(".instance h2")).to_have_text(["Anna"])
    with page.expect_navigation():
        page.get_by_role("link", name="See the result").click()
    expect(page.locator("#goal-total + .result__value")).to_have_text("€250")


def test_removing_from_the_list_page_comes_back_to_it(site: Site, page: Page) -> None:
    start(page, site.base, "family-allowance", "2024-05-01")
    for value in ("Yes", "No", "Anna", "10", "No", "Ben", "30"):
        answer(page, value)
    expect(page.locator(".listing dt")).to_have_text(["Anna", "Ben"])
    remove(page, "Anna", "Yes")
    expect(page).to_have_url(f"{site.base}/questions/children_complete")
    expect(page.locator(".listing dt")).to_have_text(["Ben"])


def test_an_employer_says_how_many_employees_then_answers_for_each(
    site: Site, browser: Browser
) -> None:
    context, page, console = open_page(browser, javascript=False)
    start(page, site.base, "employer-claim", "2024-05-01")
    answer(page, "Yes")
    # "how many?" is a question page: the question is the heading, a number is typed
    expect(page.locator("h1")).to_have_text("How many employees are on the list?")
    expect(page.locator("#answer")).to_have_attribute("inputmode", "numeric")
    answer(page, "2")
    # every employee's pages follow, one after the other, each saying where it stands
    expect(page).to_have_url(f"{site.base}/questions/employees/e1/name")
    expect(page.locator("main .caption")).to_have_text("Employee 1 of 2")
    for value in ("Ada", "3000", "1500"):
        answer(page, value)
    expect(page).to_have_url(f"{site.base}/questions/employees/e2/name")
    expect(page.locator("main .caption")).to_have_text("Employee 2 of 2")
    for value in ("Bo", "2000", "2000"):
        answer(page, value)
    expect(page).to_have_url(f"{site.base}/check")
    # fewer than listed: the API refuses the list, and the page says so at the number
    with page.expect_navigation():
        page.get_by_role("link", name="Change How many employees are on the list?").click()
    expect(page.locator("#answer")).to_have_value("2")
    page.fill("#answer", "1")
    continue_(page)
    said = "You have already listed 2 employees. Enter 2 or more"
    expect(page.locator(".error-summary")).to_contain_text(said)
    expect(page.locator("#answer-error")).to_contain_text(said)
    expect(page.locator("#answer")).to_have_value("1")
    page.fill("#answer", "2")
    continue_(page)
    expect(page).to_have_url(f"{site.base}/check")
    with page.expect_navigation():
        page.get_by_role("link", name="See the result").click()
    expect(page.locator("#goal-total + .result__value")).to_have_text("€900")
    values = page.locator(".result--instance .result__value")
    expect(values).to_have_text(["€900", "€0"])
    context.close()
    assert console.problems == []


def test_removing_an_employee_of_a_how_many_list(site: Site, page: Page) -> None:
    start(page, site.base, "employer-claim", "2024-05-01")
    for value in ("Yes", "2", "Ada", "3000", "1500", "Bo", "2000", "2000"):
        answer(page, value)
    remove(page, "Ada", "Yes")
    expect(page).to_have_url(f"{site.base}/check")
    # one of two is listed now: the interview goes on to add the next one, or change the number
    with page.expect_navigation():
        page.get_by_role("link", name="Continue").click()
    expect(page).to_have_url(f"{site.base}/add/employees")
    expect(page.locator("[data-count]")).to_have_text("You have listed 1 of 2.")
    expect(page.locator(".listing dt")).to_have_text(["Bo"])
    with page.expect_navigation():
        page.get_by_role("link", name="Change the number").click()
    answer(page, "1")
    expect(page).to_have_url(f"{site.base}/check")
    expect(page.locator(".instance h2")).to_have_text(["Bo"])


# The employer's claim (rules/kurzarbeitergeld-abrechnung, February 2026): one employee of three
# loses half the pay, which is a third of the establishment (the quorum). By question id: the
# authors decide the order (and when each of Ada's questions comes, before or after the list).
EMPLOYER_2026 = {
    "cause": "Wirtschaftliche Gründe",
    "claim_month": "2026-02-01",
    "notification_date": "2026-02-02",
    "loss_temporary": "Ja",
    "loss_customary": "Nein",
    "leave_used": "Ja",
    "working_time_credits_used": "Ja",
    "negative_balances_used": "Ja",
    "headcount": "3",
    # asked once the claim is eligible: the 4. KugBeV's months run from it (at most to 2026-12)
    "benefit_period_start": "2026-02-01",
}
# Ada: target and actual gross pay, not hired out, stays employed, none of the exclusions, no
# child, and the flat-rate net pays of both (SGB3EntgV table)
ADA = {
    "name": "Ada",
    "target_gross_pay": "2800,00",
    "actual_gross_pay": "1400,00",
    "agency_worker": "Nein",
    "employment_continued": "Ja",
    "employment_terminated": "Nein",
    "sickness_benefit": "Nein",
    "training_with_benefit": "Nein",
    "refused_cooperation": "Nein",
    "has_child": "Nein",
    "net_target_pay": "1922,06",
    "net_actual_pay": "1095,86",
}


def test_the_employer_s_kurzarbeitergeld_claim_in_german(site: Site, seite: Page) -> None:
    start(seite, site.base, "kurzarbeitergeld-abrechnung", "2026-02-01")
    lists, pages = 0, 0
    while "/questions/" in seite.url:
        asked, pages = question_id(seite), pages + 1
        assert pages < 40 and lists < 3, (asked, pages, lists)
        if asked != "employees_complete":
            answer(seite, {**EMPLOYER_2026, **ADA}[asked])
            continue
        lists += 1
        heading = "0 Beschäftigte" if lists == 1 else "1 beschäftigte Person"
        expect(seite.locator("h1")).to_have_text(f"Sie haben {heading} angegeben")
        if lists == 1:  # the list introduced, empty: "not all listed" adds Ada
            expect(seite.locator(".listing [data-empty]")).to_contain_text("Noch ist niemand")
            answer(seite, "Nein")
        else:
            expect(seite.locator(".listing dt")).to_have_text(["Ada"])
            answer(seite, "Ja")
    expect(seite).to_have_url(f"{site.base}/check")
    assert lists == 2
    with seite.expect_navigation():
        seite.get_by_role("link", name="Ergebnis anzeigen").click()
    ada = seite.locator(".result--instance[data-pointer='/employees/e1']")
    expect(ada.locator(".result__value")).to_have_text(["60 %", "495,72 €"])
    expect(seite.locator("#goal-claim_total + .result__value")).to_have_text("495,72 €")


def test_a_kindergeld_claim_for_one_child(site: Site, page: Page) -> None:
    start(page, site.base, "kindergeld", "2025-03-01")
    for value in ("Yes", "Yes", "Yes"):
        answer(page, value)
    expect(page.locator("h1")).to_have_text("You have added 0 children")  # the correction's title
    answer(page, "No")
    for value in ("2025-03-01", "Anna", "2015-06-30", "Yes", "Yes", "Yes"):
        answer(page, value)
    expect(page.locator(".listing dt")).to_have_text(["Anna"])
    answer(page, "Yes")
    expect(page).to_have_url(f"{site.base}/check")
    with page.expect_navigation():
        page.get_by_role("link", name="See the result").click()
    expect(page.locator("#goal-total + .result__value")).to_have_text("€255")
    anna = page.locator(".result--instance[data-pointer='/children/c1']")
    expect(anna.locator(".result__value")).to_have_text("€255")


def test_the_chat_to_each_child_s_amount_and_the_total(site: Site, page: Page) -> None:
    start(page, site.base, "family-allowance", "2024-05-01")
    answer(page, "Yes")
    page.goto(site.url("/chat"))
    log = page.locator("[data-chat-log]")
    composer = page.locator("[data-chat-composer]")
    bot = log.locator(".chat__message--bot")
    expect(bot.last).to_contain_text("Have you listed all your children?")
    composer.get_by_label("No", exact=True).check()
    composer.locator("button[type=submit]").click()
    expect(bot.last).to_contain_text("What is the child's name?")
    composer.locator("#answer").fill("Anna")
    composer.locator("button[type=submit]").click()
    expect(bot.last).to_contain_text("How old is Anna?")
    composer.locator("#answer").fill("10")
    composer.locator("button[type=submit]").click()
    # the list's question, with the names listed so far
    expect(bot.last).to_contain_text("Listed so far: Anna")
    composer.get_by_label("Yes", exact=True).check()
    composer.locator("button[type=submit]").click()
    expect(bot.last).to_contain_text("Anna")
    expect(bot.last).to_contain_text("Allowance for this child: €250")
    expect(log).to_contain_text("Allowance per month")
    expect(composer.get_by_role("link", name="See the result")).to_be_visible()


def test_the_chat_asks_for_each_employee_and_ends_with_each_amount(site: Site, page: Page) -> None:
    start(page, site.base, "employer-claim", "2024-05-01")
    answer(page, "Yes")
    page.goto(site.url("/chat"))
    log = page.locator("[data-chat-log]")
    composer = page.locator("[data-chat-composer]")
    bot = log.locator(".chat__message--bot")

    def say(value: str, then: str) -> None:
        composer.locator("#answer").fill(value)
        composer.locator("button[type=submit]").click()
        expect(bot.last).to_contain_text(then)

    expect(bot.last).to_contain_text("How many employees are on the list?")
    say("2", "Employee's name?")
    expect(bot.last).to_contain_text("Employee 1 of 2")
    say("Ada", "Target pay of Ada (gross)?")
    say("3000", "Actual pay of Ada (gross)?")
    # the next employee's questions follow at once: the number was said
    say("1500", "Employee's name?")
    expect(bot.last).to_contain_text("Employee 2 of 2")
    say("Bo", "Target pay of Bo (gross)?")
    say("2000", "Actual pay of Bo (gross)?")
    composer.locator("#answer").fill("2000")
    composer.locator("button[type=submit]").click()
    expect(bot.nth(-2)).to_contain_text("Allowance: €900")
    expect(bot.last).to_contain_text("Allowance: €0")
    expect(log).to_contain_text("Total allowance")
