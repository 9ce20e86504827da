"""Amounts: declared currency and scale in goals, answers, texts and records; old hashes kept."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from eligibility import RuleSetError, evaluate
from eligibility.canonical import ruleset_hash, to_document
from eligibility.catalogue import compiled
from eligibility.decisions.record import outcome_of
from eligibility.loader import load_paths
from eligibility.money import Money, format_amount, scaled

from .support import build, document, load

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        ("250", 2, "250.00"),
        ("0", 2, "0.00"),
        ("412.5", 2, "412.50"),
        ("412.505", 2, "412.505"),  # never rounded: rounding is the rules' business
        ("-3", 2, "-3.00"),
        ("7", None, "7"),
        ("7", 0, "7"),
    ],
)
def test_scaled_adds_zeros_and_never_rounds(value: str, places: int | None, shown: str) -> None:
    assert str(scaled(Decimal(value), places)) == shown
    assert scaled(Decimal(value), places) == Decimal(value)


@pytest.mark.parametrize(
    ("value", "money", "locale", "shown"),
    [
        ("1234.5", Money("EUR", 2), "en", "€1,234.50"),
        ("1234.5", Money("EUR", 2), "de", "1.234,50\u00a0€"),
        ("-20", Money("USD", 2), "en", "-$20.00"),
        ("99", Money("CHF", 2), "en", "99.00\u00a0CHF"),
        ("0.5", Money(None, 2), "es", "0,50"),
    ],
)
def test_amounts_in_texts(value: str, money: Money, locale: str, shown: str) -> None:
    assert format_amount(Decimal(value), money, locale) == shown


def fees() -> Any:
    (ruleset,) = load_paths([FIXTURES / "licence-fees"])
    return compiled(ruleset)


@pytest.mark.parametrize("engine", ["durable", "pure"])
def test_goals_and_answers_have_their_scale_and_currency(engine: Any) -> None:
    result = evaluate(fees(), {"income": "900", "rods": 3}, engine=engine)
    fee = result.goals["fee_due"]
    assert (str(fee.value), fee.currency, fee.decimal_places) == ("15.00", "EUR", 2)
    rate = result.goals["rate"]
    assert (str(rate.value), rate.currency, rate.decimal_places) == ("0.50", None, 2)
    assert result.goals["rods_counted"].value == 3
    assert result.goals["eligible"].currency is None
    assert str(result.answers["income"]) == "900.00"


def test_texts_write_amounts_with_currency_in_the_claimants_language() -> None:
    english = evaluate(fees(), {"income": "900", "rods": 1}, locale="en", engine="pure")
    (reason,) = english.goals["eligible"].reasons
    assert reason.text == "An income of €900.00 is at most the limit, so the fee is €20.00."
    german = evaluate(fees(), {"income": "900", "rods": 1}, locale="de", engine="pure")
    assert "900,00\u00a0€" in german.goals["eligible"].reasons[0].text


def test_a_decision_records_the_amount_at_its_scale_with_its_currency() -> None:
    result = evaluate(fees(), {"income": "900", "rods": 1}, engine="pure")
    goals = outcome_of(result)["goals"]
    assert goals["fee_due"] == {"value": "20.00", "decided": True, "currency": "EUR"}
    assert goals["rate"] == {"value": "0.50", "decided": True}


def test_versions_without_declarations_are_written_and_hashed_as_before() -> None:
    (fishing,) = load_paths([FIXTURES / "fishing-licence"])
    # the content hash this version had before amounts could be declared
    assert ruleset_hash(fishing) == (
        "497ba694d8a65dee849f3df6fd90b04d414d7edceaf2af55d92d4acd1af219fc"
    )
    assert "currency" not in str(to_document(fishing))
    result = evaluate(compiled(fishing), {"age": 70, "resident": True}, engine="pure")
    assert outcome_of(result)["goals"]["reduction"] == {"value": "20", "decided": True}


def test_the_declarations_are_part_of_the_content() -> None:
    document_ = to_document(fees().ruleset)
    assert document_["goals"]["fee_due"]["currency"] == "EUR"
    assert document_["goals"]["rate"]["decimal_places"] == 2
    assert document_["questions"]["income"]["currency"] == "EUR"
    plain = document_["goals"]["fee_due"].copy()
    del plain["currency"]
    assert ruleset_hash(fees().ruleset) != ruleset_hash(
        load({**document_, "goals": {**document_["goals"], "fee_due": plain}})
    )


@pytest.mark.parametrize(
    ("part", "entry", "message"),
    [
        ("goals", {"type": "decimal", "value": "1", "currency": "eur"}, "three capital letters"),
        ("goals", {"type": "boolean", "value": "true", "currency": "EUR"}, "not boolean goals"),
        ("goals", {"type": "integer", "value": "1", "decimal_places": 2}, "only decimal goals"),
        ("questions", {"type": "date", "label": "When?", "currency": "EUR"}, "not date questions"),
    ],
)
def test_declarations_that_make_no_sense_are_refused(
    part: str, entry: dict[str, Any], message: str
) -> None:
    base = document()
    base[part] = {**base[part], "amount": entry}
    with pytest.raises(RuleSetError) as refused:
        build(**{part: base[part]})
    assert message in str(refused.value)


def test_a_large_amount_is_written_with_its_places_not_refused() -> None:
    huge = Decimal(10**40)
    assert str(scaled(huge, 2)) == "1" + "0" * 40 + ".00"
    assert str(scaled(Decimal("1.555"), 2)) == "1.555"  # never rounded
