"""The employer's monthly Kurzarbeitergeld claim (rules/kurzarbeitergeld-abrechnung), issue 11.

Reasons cite only the law in force in the claim month: § 421c Abs. 2 SGB III (the raised rates,
Sozialschutz-Paket II, in force 29 May 2020, ended 30 June 2022) is never a reason for a claim
month without raised rates, and is one where the raised rates decide an employee's rate. Each
version asks only what the law of its window needs (the month of receipt only with raised rates,
the entitlement start only in 2021, agency work only where it can exclude): the helpers answer
every question a version may ask, and `fitted` keeps those the version has.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eligibility import AnswerError, Catalogue, CompiledRuleSet, Evaluation, evaluate, load_paths

RULES = Path(__file__).resolve().parents[2] / "rules"
RULESET = "kurzarbeitergeld-abrechnung"
# Versions without the raised rates of § 421c Abs. 2, and those with them.
WITHOUT_RAISED_RATES = ("2016-01-01", "2020-03-01", "2022-07-01", "2023-07-01", "2025-01-01")
WITH_RAISED_RATES = ("2020-05-29", "2021-01-01", "2022-01-01", "2022-04-01")
# The one version whose raised rates depend on when the employee's entitlement arose (2021).
ENTITLEMENT_ASKED = ("2021-01-01",)
TODAY = dt.date(2027, 1, 31)  # after every claim month judged here


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.of(load_paths([RULES / RULESET]))


def version(catalogue: Catalogue, version_id: str) -> CompiledRuleSet:
    return catalogue.version(RULESET, version_id, drafts=True)


def months(compiled: CompiledRuleSet) -> Iterator[dt.date]:
    """Every claim month the version judges (dated by the month's first day)."""
    window = compiled.ruleset
    month = window.effective_from.replace(day=1)
    if month < window.effective_from:  # a version from the 29th governs from the next month
        month = (month + dt.timedelta(days=31)).replace(day=1)
    last = window.effective_to or dt.date(2026, 12, 31)
    while month <= last:
        yield month
        month = (month + dt.timedelta(days=31)).replace(day=1)


def fitted(compiled: CompiledRuleSet, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers to the questions the version has (the helpers answer every one any may ask)."""
    asked = compiled.collections["employees"].questions
    kept = {k: v for k, v in answers.items() if k in compiled.questions or k == "employees"}
    kept["employees"] = [
        {k: v for k, v in item.items() if k in asked or k == "id"}
        for item in answers.get("employees", [])
    ]
    return kept


def employee(iid: str, **changes: Any) -> dict[str, Any]:
    """An employee losing half their pay, answering every question a version may ask."""
    return {
        "id": iid,
        "name": iid.upper(),
        "target_gross_pay": "3000.00",
        "actual_gross_pay": "1500.00",
        "agency_worker": False,
        "employment_continued": True,
        "employment_terminated": False,
        "sickness_benefit": False,
        "training_with_benefit": False,
        "refused_cooperation": False,
        "has_child": False,
        "months_of_receipt": 1,
        "net_target_pay": "1995.41",
        "net_actual_pay": "1138.71",
        **changes,
    }


def claim(month: dt.date, employees: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    """An eligible establishment of ten whose listed employees all count towards the quorum;
    an entitlement that arose in March 2020 (or in the month claimed, if earlier)."""
    for item in employees:
        item.setdefault("entitlement_start_month", min(month, dt.date(2020, 3, 1)))
    return {
        "cause": "economic",
        "claim_month": month,
        "notification_date": month,
        "notified_without_delay": True,
        "loss_temporary": True,
        "loss_customary": False,
        "leave_used": True,
        "working_time_credits_used": True,
        "negative_balances_used": True,
        "headcount": 10,
        "benefit_period_start": month,
        "employees_complete": True,
        "employees": employees,
        **changes,
    }


def references(result: Evaluation) -> dict[str, set[str]]:
    """Every legal reference given as a reason, by the goal (root or an instance's pointer)."""
    found = {goal: {r.legal_reference or "" for r in g.reasons} for goal, g in result.goals.items()}
    for items in result.instances.values():
        for item in items:
            for goal, g in item.goals.items():
                found[f"{item.pointer}/{goal}"] = {r.legal_reference or "" for r in g.reasons}
    return found


def since_march_2020(month: dt.date) -> int:
    """The months of receipt a claim month can be at most (March 2020 is the first)."""
    return (month.year - 2020) * 12 + month.month - 2


def mixed(month: dt.date) -> dict[str, Any]:
    """Employees in the 4th and 7th or later month of receipt (where that counts), with and
    without a child, one losing less than half, one excluded: every path to a rate."""
    return claim(
        month,
        [
            employee("e1", months_of_receipt=4),
            employee(
                "e2", months_of_receipt=min(7, max(since_march_2020(month), 1)), has_child=True
            ),
            employee("e3", actual_gross_pay="2400.00", net_actual_pay="1650.00"),
            employee("e4", sickness_benefit=True, months_of_receipt=4),
        ],
    )


@pytest.mark.parametrize("version_id", WITHOUT_RAISED_RATES)
def test_no_reason_cites_the_raised_rates_where_there_are_none(
    catalogue: Catalogue, version_id: str
) -> None:
    compiled = version(catalogue, version_id)
    for month in months(compiled):
        given = fitted(compiled, mixed(month))
        result = evaluate(compiled, given, as_of=month, locale="en", today=TODAY)
        assert result.outcome["eligible"] is True, month
        cited = {g: r for g, r in references(result).items() if any("421c Abs. 2" in x for x in r)}
        assert not cited, (month, cited)
        if month < dt.date(2020, 3, 1):  # § 421c did not exist at all before 2020
            assert not any("421c" in r for refs in references(result).values() for r in refs)


@pytest.mark.parametrize("version_id", WITH_RAISED_RATES)
def test_the_raised_rates_are_the_reason_where_they_decide_the_rate(
    catalogue: Catalogue, version_id: str
) -> None:
    compiled = version(catalogue, version_id)
    for month in months(compiled):
        given = fitted(compiled, mixed(month))
        result = evaluate(compiled, given, as_of=month, locale="en", today=TODAY)
        refs = references(result)
        rates = {i.id: i.goals["benefit_rate"].value for i in result.instances["employees"]}
        child_rate = "0.87" if since_march_2020(month) >= 7 else "0.77"
        assert (str(rates["e1"]), str(rates["e2"])) == ("0.70", child_rate), (month, rates)
        for iid in ("e1", "e2", "e3"):  # e3: less than half lost, which § 421c makes the reason
            assert any("421c Abs. 2" in r for r in refs[f"/employees/{iid}/benefit_rate"]), month
        assert not any("421c" in r for r in refs["/employees/e4/benefit_rate"])  # not entitled


ALL_VERSIONS = sorted(WITHOUT_RAISED_RATES + WITH_RAISED_RATES + ("2026-01-01",))


def refused(compiled: CompiledRuleSet, given: dict[str, Any]) -> dict[str, list[str]]:
    with pytest.raises(AnswerError) as caught:
        evaluate(
            compiled, fitted(compiled, given), as_of=given["claim_month"], locale="en", today=TODAY
        )
    return caught.value.errors


def first_month(compiled: CompiledRuleSet) -> dt.date:
    return next(months(compiled))


@pytest.mark.parametrize("version_id", ALL_VERSIONS)
def test_more_employees_listed_than_the_headcount_are_refused(
    catalogue: Catalogue, version_id: str
) -> None:
    compiled = version(catalogue, version_id)
    month = first_month(compiled)
    three = [employee("e1"), employee("e2"), employee("e3")]
    errors = refused(compiled, claim(month, three, headcount=2))
    assert set(errors) == {"/headcount", "/employees"}
    assert "cannot name more employees than the establishment employs (2" in errors["/headcount"][0]
    # As many as the headcount is possible, and so is a list not yet complete (it may be wrong).
    enough = fitted(compiled, claim(month, three, headcount=3))
    assert evaluate(compiled, enough, as_of=month).outcome["eligible"]
    open_list = fitted(compiled, claim(month, three, headcount=2, employees_complete=False))
    assert evaluate(compiled, open_list, as_of=month).outcome["claim_total"] is None


@pytest.mark.parametrize("version_id", ALL_VERSIONS)
def test_an_employees_implausible_net_pays_are_refused_naming_the_four_pays(
    catalogue: Catalogue, version_id: str
) -> None:
    compiled = version(catalogue, version_id)
    month = first_month(compiled)
    swapped = employee("e2", net_target_pay="1138.71", net_actual_pay="1995.41")
    errors = refused(compiled, claim(month, [employee("e1"), swapped]))
    pays = ("net_actual_pay", "net_target_pay", "actual_gross_pay", "target_gross_pay")
    assert set(errors) == {f"/employees/e2/{pay}" for pay in pays}
    assert errors["/employees/e2/net_actual_pay"][0].startswith("E2's flat-rate net pay")


@pytest.mark.parametrize("version_id", ALL_VERSIONS)
def test_an_entitlement_after_the_month_claimed_is_refused_where_asked(
    catalogue: Catalogue, version_id: str
) -> None:
    compiled = version(catalogue, version_id)
    asked = "entitlement_start_month" in compiled.collections["employees"].questions
    assert asked is (version_id in ENTITLEMENT_ASKED)  # only 2021 makes the rates depend on it
    if not asked:
        return
    month = first_month(compiled)
    later = (month + dt.timedelta(days=31)).replace(day=1)
    errors = refused(compiled, claim(month, [employee("e1", entitlement_start_month=later)]))
    # The claim month is named too: either answer may be the wrong one.
    assert set(errors) == {"/employees/e1/entitlement_start_month", "/claim_month"}


@pytest.mark.parametrize("version_id", ALL_VERSIONS)
def test_a_month_of_receipt_beyond_the_months_since_march_2020_is_refused_where_counted(
    catalogue: Catalogue, version_id: str
) -> None:
    compiled = version(catalogue, version_id)
    for month in (first_month(compiled), compiled.ruleset.effective_to or dt.date(2026, 12, 1)):
        month = month.replace(day=1)
        most = since_march_2020(month)
        too_many = claim(month, [employee("e1", months_of_receipt=max(most, 0) + 1)])
        if version_id in WITH_RAISED_RATES:
            errors = refused(compiled, too_many)
            assert set(errors) == {"/employees/e1/months_of_receipt", "/claim_month"}
            assert (
                f"month of receipt {max(most, 0) + 1}"
                in errors["/employees/e1/months_of_receipt"][0]
            )
            fits = claim(month, [employee("e1", months_of_receipt=most)])
            evaluate(compiled, fitted(compiled, fits), as_of=month, today=TODAY)
        else:  # not counted where there are no raised rates: not a question of the version
            assert "months_of_receipt" not in compiled.collections["employees"].questions


@pytest.mark.parametrize("version_id", ALL_VERSIONS)
def test_the_establishments_questions_come_before_the_employees(
    catalogue: Catalogue, version_id: str
) -> None:
    compiled = version(catalogue, version_id)
    month = first_month(compiled)
    listed = [{"id": "e1", "name": "Anna"}, {"id": "e2", "name": "Ben"}]
    result = evaluate(compiled, {"claim_month": month, "employees": listed}, as_of=month)
    asked = [q.key for q in result.next_questions]
    first_employee = next(i for i, key in enumerate(asked) if key.startswith("/employees/"))
    assert not [k for k in asked[:first_employee] if k.startswith("/employees/")]
    assert {"cause", "notification_date", "headcount"} <= set(asked[:first_employee])
    # Each employee's knock-outs and gross pays, one after the other, before the list is
    # complete; what only the amounts need comes after it.
    complete = asked.index("employees_complete")
    e1 = [k for k in asked[:complete] if k.startswith("/employees/e1/")]
    e2 = [k for k in asked[:complete] if k.startswith("/employees/e2/")]
    assert asked[first_employee:complete] == e1 + e2
    assert "/employees/e1/refused_cooperation" in e1
    assert "/employees/e1/net_target_pay" in asked[complete:]
