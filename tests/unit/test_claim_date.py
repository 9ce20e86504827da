"""The claim's own date picks the version (`dated_by`): by day or by calendar month."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from eligibility import Catalogue, RuleSetError
from eligibility.canonical import ruleset_hash
from eligibility.errors import ClaimDateConflict, NoVersionApplies

from .support import document, load

MONTH = {
    "type": "date",
    "label": "For which month?",
}


def dated(number: str, start: str, end: str | None, dated_by: Any) -> Any:
    questions = {**document()["questions"], "claim_month": MONTH}
    data = document(version=number, effective_from=start, questions=questions, dated_by=dated_by)
    if end:
        data["effective_to"] = end
    return load(data)


def catalogue(dated_by: Any = None) -> Catalogue:
    dating = dated_by or {"question": "claim_month", "period": "month"}
    return Catalogue.of(
        [
            dated("old", "2020-03-01", "2020-05-28", dating),
            dated("new", "2020-05-29", None, dating),
        ]
    )


def chosen(cat: Catalogue, as_of: str | None = None, **answers: Any) -> tuple[str, dt.date]:
    day = dt.date.fromisoformat(as_of) if as_of else None
    selection = cat.resolve("unit", as_of=day, answers=answers)
    return selection.compiled.ruleset.version, selection.as_of


def test_the_claim_month_picks_the_version_whatever_today_is() -> None:
    cat = catalogue()
    assert chosen(cat, claim_month="2020-04-01") == ("old", dt.date(2020, 4, 1))
    assert chosen(cat, claim_month="2020-06-01") == ("new", dt.date(2020, 6, 1))


def test_a_change_within_a_month_never_splits_it() -> None:
    # The version starting on 29 May governs from June; all of May is the old version's.
    cat = catalogue()
    assert chosen(cat, claim_month="2020-05-01")[0] == "old"
    assert chosen(cat, claim_month="2020-05-31")[0] == "old"
    assert chosen(cat, "2020-05-30", claim_month="2020-05-01") == ("old", dt.date(2020, 5, 30))


def test_by_day_the_answer_itself_dates_the_claim() -> None:
    cat = catalogue("claim_month")
    assert chosen(cat, claim_month="2020-05-28")[0] == "old"
    assert chosen(cat, claim_month="2020-05-29")[0] == "new"
    with pytest.raises(ClaimDateConflict):
        chosen(cat, "2020-05-29", claim_month="2020-05-28")


def test_an_as_of_outside_the_claim_month_is_a_conflict_naming_both() -> None:
    with pytest.raises(ClaimDateConflict) as caught:
        chosen(catalogue(), "2020-04-15", claim_month="2019-11-01")
    assert caught.value.question == "claim_month"
    assert caught.value.as_of == dt.date(2020, 4, 15)
    assert "2019-11" in str(caught.value) and "2020-04-15" in str(caught.value)


def test_without_the_answer_as_of_or_today_picks_the_version() -> None:
    cat = catalogue()
    assert chosen(cat, "2020-04-15", age=30) == ("old", dt.date(2020, 4, 15))
    assert chosen(cat, "2020-04-15", claim_month="not a date")[0] == "old"
    cat.today = lambda: dt.date(2024, 1, 1)
    assert chosen(cat)[0] == "new"


def test_a_named_version_is_not_redated() -> None:
    selection = catalogue().resolve("unit", "new", answers={"claim_month": "2020-04-01"})
    assert selection.compiled.ruleset.version == "new"


def test_a_claim_date_no_version_covers_names_the_answer() -> None:
    with pytest.raises(NoVersionApplies) as caught:
        chosen(catalogue(), claim_month="2019-01-01")
    assert caught.value.path == ("answers", "claim_month")


def test_dated_by_stays_outside_the_content_hash() -> None:
    plain = dated("old", "2020-03-01", None, None)
    assert ruleset_hash(plain) == ruleset_hash(dated("old", "2020-03-01", None, "claim_month"))


@pytest.mark.parametrize(
    ("dated_by", "message"),
    [
        ("claim_mnth", "no question 'claim_mnth' dates the claim"),
        ("age", "'age' is not a date question (it is integer)"),
        ({"question": "claim_month", "period": "week"}, "must be one of day, month"),
        (["claim_month"], "expected a question id"),
    ],
)
def test_a_wrong_dated_by_is_a_located_problem(dated_by: Any, message: str) -> None:
    with pytest.raises(RuleSetError) as caught:
        dated("old", "2020-03-01", None, dated_by)
    assert any(message in str(p) for p in caught.value.problems), caught.value.problems
