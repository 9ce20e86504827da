"""The corrected Kurzarbeitergeld versions (issue 11 § 3): plausibility, order, reasons, periods.

The published versions never change (their hashes are pinned here); each correction `<version>.1`
for the same window (`supersedes` the version, with its reason), built on the corrected baseline,
governs the window since it was published (all ten are; tests/rulesets/test_published_examples.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from eligibility import AnswerError, Catalogue, CompiledRuleSet, evaluate, load_paths

from .kug import (
    CLAIM_MONTHS,
    CORRECTED,
    RULES,
    RULESET,
    interview,
    known,
    month_after,
    plain_claim,
)

# The published versions' content hashes: a published version never changes (sync refuses a
# changed published file), so its fixes are corrections.
PUBLISHED = {
    "2016-01-01": "4cfa5e338155d0c0a20ae3c50f9462baa9443f9e41a10861dc6aa37dbb35f390",
    "2020-03-01": "3d48642de19aaa60b73d809aca57a2eee14a17289fd666707bde758e923ade01",
    "2020-05-29": "6cf8e6276773673d9cd7ac7ce316c61188172c9d8ffc5e06796d3a3e093b9522",
    "2021-01-01": "bdc64cf26995e2922d2f9fc711461b1a6076246146886fd948c599ffef8d3702",
    "2022-01-01": "c9b6f26dfb49770e21693736fa4c3c41547eca43dcd710334af60e63d090d3a5",
    "2022-04-01": "6f4e69bda8a3c9cd63486d2b82ead91d8ab89f0e68e47ffb1bd047cf030af2b0",
    "2022-07-01": "6c8a8dd64c15ec77d0430a70577aff845d3ca153b79307c687b93b96ff2b761f",
    "2023-07-01": "302474e58582e3102ca84360506f4318cfcc110cdc6a7c5b314a442d8479b550",
    "2025-01-01": "5a2523a5e3dcf8be75b61ddb412e8445daa5a838e734c944c5aa8a01bd019394",
    "2026-01-01": "af6a5764072b5f610d6ce42843aa842949dfa348e88ea996f080442e241c5fd0",
}
WORK_LOSS = {
    "loss_temporary",
    "loss_customary",
    "leave_used",
    "working_time_credits_used",
    "negative_balances_used",
}
# The increased rates of § 421c Abs. 2 SGB III (and the month of receipt they count) ran from the
# Sozialschutz-Paket II to 30 June 2022.
WITH_RECEIPT_MONTHS = {"2020-05-29", "2021-01-01", "2022-01-01", "2022-04-01"}
# From July 2022 to December 2024 no ordinance extends the benefit period: no entitlement start.
WITH_ENTITLEMENT_START = set(CLAIM_MONTHS) - {"2022-07-01", "2023-07-01"}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.of(load_paths([RULES]))


def corrected(catalogue: Catalogue, version: str) -> CompiledRuleSet:
    return catalogue.version(RULESET, f"{version}.1", drafts=True)


def refused(
    compiled: CompiledRuleSet, given: dict[str, Any], **kwargs: Any
) -> dict[str, list[str]]:
    with pytest.raises(AnswerError) as caught:
        evaluate(compiled, given, as_of=given["claim_month"], locale="en", **kwargs)
    return caught.value.errors


@pytest.mark.parametrize("version", sorted(CLAIM_MONTHS))
def test_each_correction_is_for_the_published_window(catalogue: Catalogue, version: str) -> None:
    published = catalogue.version(RULESET, version).ruleset
    correction = corrected(catalogue, version).ruleset
    in_force = version in CORRECTED
    assert published.status == "published"
    assert correction.status == ("published" if in_force else "draft")
    assert correction.supersedes == version
    assert {"de", "en"} <= set(correction.correction_reason)
    assert (correction.effective_from, correction.effective_to) == (
        published.effective_from,
        published.effective_to,
    )
    # The published version selects the claim month until its correction is published.
    governing = f"{version}.1" if in_force else version
    assert catalogue.covering(RULESET, CLAIM_MONTHS[version]).ruleset.version == governing


@pytest.mark.parametrize("version", sorted(CLAIM_MONTHS))
def test_a_net_actual_pay_above_the_net_target_pay_is_refused_naming_all_four_pays(
    catalogue: Catalogue, version: str
) -> None:
    compiled = corrected(catalogue, version)
    claim = plain_claim(CLAIM_MONTHS[version], net_target_pay="1138.71", net_actual_pay="1995.41")
    errors = refused(compiled, known(compiled, claim), today=dt.date(2026, 11, 30))
    assert set(errors) == {
        "/net_actual_pay",
        "/net_target_pay",
        "/actual_gross_pay",
        "/target_gross_pay",
    }
    assert "cannot be higher" in errors["/net_actual_pay"][0]


@pytest.mark.parametrize("version", sorted(CLAIM_MONTHS))
def test_a_notification_after_the_day_the_claim_is_made_is_refused(
    catalogue: Catalogue, version: str
) -> None:
    claim_month = CLAIM_MONTHS[version]
    given = {"cause": "economic", "claim_month": claim_month, "notification_date": claim_month}
    errors = refused(corrected(catalogue, version), given, today=claim_month - dt.timedelta(1))
    assert list(errors) == ["/notification_date"]
    assert "after today" in errors["/notification_date"][0]
    # The same notification is plausible once that day has come, and a late one is a knock-out.
    evaluate(corrected(catalogue, version), given, as_of=claim_month, today=claim_month)


@pytest.mark.parametrize("version", sorted(WITH_ENTITLEMENT_START))
def test_an_entitlement_after_the_claim_month_is_refused(
    catalogue: Catalogue, version: str
) -> None:
    claim_month = CLAIM_MONTHS[version]
    given = {
        "cause": "economic",
        "claim_month": claim_month,
        "entitlement_start_month": month_after(claim_month),
    }
    errors = refused(corrected(catalogue, version), given)
    assert set(errors) == {"/entitlement_start_month", "/claim_month"}
    assert "cannot have arisen after" in errors["/claim_month"][0]


@pytest.mark.parametrize("version", sorted(WITH_RECEIPT_MONTHS))
def test_more_months_of_receipt_than_months_since_march_2020_are_refused(
    catalogue: Catalogue, version: str
) -> None:
    claim_month = CLAIM_MONTHS[version]
    since = (claim_month.year - 2020) * 12 + claim_month.month - 3 + 1  # March 2020 counted
    compiled = corrected(catalogue, version)
    given = {"cause": "economic", "claim_month": claim_month, "months_of_receipt": since + 1}
    errors = refused(compiled, given)
    assert set(errors) == {"/months_of_receipt", "/claim_month"}
    assert f"Only {since} months" in errors["/months_of_receipt"][0]
    evaluate(compiled, {**given, "months_of_receipt": since}, as_of=claim_month)


@pytest.mark.parametrize("version", sorted(CLAIM_MONTHS))
def test_knock_outs_come_before_the_pay_questions(catalogue: Catalogue, version: str) -> None:
    claim_month = CLAIM_MONTHS[version]
    done = interview(corrected(catalogue, version), plain_claim(claim_month), claim_month)
    asked, final = done.asked, done.final
    assert final.outcome["eligible"] is True
    assert asked.index("loss_temporary") < asked.index("employees")
    assert asked.index("refused_cooperation") < asked.index("target_gross_pay")
    if "agency_worker" in asked:  # asked only where agency work can exclude the employee
        work_loss = [q for q in asked if q in WORK_LOSS]
        assert asked.index("agency_worker") == asked.index(work_loss[-1]) + 1
    if "entitlement_start_month" in asked:
        assert asked.index("entitlement_start_month") < asked.index("net_target_pay")


def test_agency_work_ends_a_2019_interview_as_the_ninth_question(catalogue: Catalogue) -> None:
    claim_month = CLAIM_MONTHS["2016-01-01"]
    script = plain_claim(claim_month, agency_worker=True)
    done = interview(corrected(catalogue, "2016-01-01"), script, claim_month)
    asked, final = done.asked, done.final
    assert asked == [
        "cause",
        "claim_month",
        "notification_date",
        "loss_temporary",
        "loss_customary",
        "leave_used",
        "working_time_credits_used",
        "negative_balances_used",
        "agency_worker",
    ]
    assert final.outcome["eligible"] is False


@pytest.mark.parametrize(
    "version", ["2016-01-01", "2020-03-01", "2022-07-01", "2023-07-01", "2025-01-01", "2026-01-01"]
)
def test_reasons_cite_421c_only_where_increased_rates_apply(
    catalogue: Catalogue, version: str
) -> None:
    claim_month = CLAIM_MONTHS[version]
    compiled = corrected(catalogue, version)
    result = evaluate(compiled, known(compiled, plain_claim(claim_month)), as_of=claim_month)
    references = {r.legal_reference for g in result.goals.values() for r in g.reasons}
    assert result.outcome["benefit_rate"] == "0.60"
    assert not [r for r in references if "421c" in r], references
    # The published baseline cited it for a 2019 claim: that is what the correction fixes.
    before = {k: v for k, v in plain_claim(claim_month).items() if k != "entitlement_start_month"}
    published = evaluate(catalogue.version(RULESET, version), before, as_of=claim_month)
    assert any("421c" in r.legal_reference for r in published.goals["benefit_rate"].reasons)


@pytest.mark.parametrize(
    ("version", "start", "months"),
    [
        ("2016-01-01", dt.date(2019, 6, 1), 12),  # a 2019 claim month: no ordinance yet
        ("2020-03-01", dt.date(2019, 3, 1), 21),  # KugBeV: arisen by 2019, up to 21 months
        ("2020-03-01", dt.date(2019, 12, 1), 13),  # ... at most until December 2020
        ("2020-05-29", dt.date(2020, 3, 1), 12),  # arisen in 2020: § 104
        ("2021-01-01", dt.date(2020, 3, 1), 22),  # 2. KugBeV: at most until December 2021
        ("2021-01-01", dt.date(2019, 11, 1), 24),
        ("2021-01-01", dt.date(2021, 1, 1), 12),
        ("2022-01-01", dt.date(2021, 3, 1), 13),  # KugverlV: at most until March 2022
        ("2022-01-01", dt.date(2021, 4, 1), 12),
        ("2022-04-01", dt.date(2021, 6, 1), 13),  # § 421c Abs. 3: at most until June 2022
        ("2022-04-01", dt.date(2020, 1, 1), 28),
        ("2022-07-01", dt.date(2020, 1, 1), 12),
        ("2025-01-01", dt.date(2025, 2, 1), 12),  # 3. KugBeV: never less than § 104's 12
        ("2025-01-01", dt.date(2024, 6, 1), 19),  # ... up to 24, at most until December 2025
        ("2025-01-01", dt.date(2023, 4, 1), 24),
        ("2026-01-01", dt.date(2025, 3, 1), 22),  # 4. KugBeV: a 2025 period goes on into 2026
        ("2026-01-01", dt.date(2026, 1, 1), 12),  # one begun in 2026: § 104's 12 months
    ],
)
def test_benefit_period_by_the_start_of_the_entitlement(
    catalogue: Catalogue, version: str, start: dt.date, months: int
) -> None:
    claim_month = CLAIM_MONTHS[version]
    compiled = corrected(catalogue, version)
    given = plain_claim(claim_month, entitlement_start_month=start, months_of_receipt=1)
    result = evaluate(compiled, known(compiled, given), as_of=claim_month)
    assert result.outcome["eligible"] is True
    assert result.outcome["max_duration_months"] == months


def test_once_published_the_corrections_govern_their_windows() -> None:
    files = load_paths([RULES])
    published = [dataclasses.replace(r, status="published") if r.supersedes else r for r in files]
    after = Catalogue.of(published)
    for version, claim_month in CLAIM_MONTHS.items():
        assert after.covering(RULESET, claim_month).ruleset.version == f"{version}.1"


def test_published_versions_are_unchanged(catalogue: Catalogue) -> None:
    for version, content_hash in PUBLISHED.items():
        assert catalogue.version(RULESET, version).content_hash == content_hash
