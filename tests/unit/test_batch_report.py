"""The impact report's counting: distributions of amount changes, bands, gains and losses."""

from __future__ import annotations

from decimal import Decimal

from eligibility.batch import effects
from eligibility.batch.effects import Distribution, Effects
from eligibility.batch.report import bands, impact_report, nice_step, report_text
from eligibility.decisions.changes import GoalChange, RuleChange


def test_a_distribution_stays_small_and_keeps_zeros_apart(monkeypatch: object) -> None:
    exact = Distribution()
    for cents in range(1, 1000):
        exact.add(Decimal(cents) / 100)
    exact.add(Decimal(0), 7)
    assert exact.step is not None and len(exact.counts) <= effects.MAX_DISTINCT
    assert exact.zero == 7 and exact.total == 1006
    halves = Distribution(), Distribution()
    for cents in range(1, 1000):
        halves[cents % 2].add(Decimal(cents) / 100)
    halves[0].merge(halves[1])
    assert halves[0].total == 999 and halves[0].step == exact.step
    assert Distribution.from_dict(exact.to_dict()) == exact


def test_small_changes_in_a_coarse_bucket_stay_changes_when_merged() -> None:
    coarse = Distribution()
    for cents in range(1, 1000):  # 0.01 … 9.99: coarsened, the smallest in the bucket at 0
        coarse.add(Decimal(cents) / 100)
    assert coarse.step is not None and coarse.counts[Decimal(0)] > 0
    whole = Distribution()
    whole.add(Decimal(0), 3)
    whole.merge(coarse)
    assert whole.zero == 3  # only the rows whose amount did not move
    assert whole.total == 1002 and whole.counts == coarse.counts


def test_bands_are_round_and_sum_the_changes() -> None:
    changes = Distribution()
    for value, times in (("-120", 2), ("-5", 1), ("0", 10), ("40", 3), ("260", 1)):
        changes.add(Decimal(value), times)
    assert nice_step(Decimal(260)) == Decimal(100)
    table = [(b["band"], b["claims"], b["change"]) for b in bands(changes)]
    assert table == [
        ("-200 … -100", 2, "-240"),
        ("-100 … 0", 1, "-5"),
        ("no change", 10, "0"),
        ("0 … +100", 3, "120"),
        ("+200 … +300", 1, "260"),
    ]


def test_effects_count_gains_losses_amounts_and_rules_once_per_row() -> None:
    rule = RuleChange("low_income", "Low income", True, False, "§ 12")
    lost = GoalChange("eligible", "Reduced licence", True, False, (rule,))
    fee = GoalChange("fee", "Fee", "10", "30", (rule,))
    counted = Effects()
    counted.add({"eligible": (True, False), "fee": ("10", "30")}, [lost, fee])
    counted.add({"eligible": (False, True), "fee": ("30", "10")}, [])
    counted.add({"eligible": (True, True), "fee": ("10", "10")}, [])
    assert (counted.compared, counted.changed) == (3, 1)
    assert (counted.gained["eligible"], counted.lost["eligible"]) == (1, 1)
    assert counted.amounts["fee"] == [Decimal(50), Decimal(50), 3]
    assert counted.by_rule["low_income"]["rows"] == 1
    again = Effects.from_dict(counted.to_dict())
    again.merge(counted)
    assert again.to_dict()["amounts"]["fee"] == {
        "baseline": "100",
        "reform": "100",
        "difference": "0",
        "rows": 6,
    }
    report = impact_report(
        {
            "ruleset": "fishing",
            "version": "1",
            "reform": "2",
            "status": "done",
            "total": 3,
            "processed": 3,
            "assessed": 3,
            "failed": 0,
            "effects": counted.to_dict(),
        }
    )
    text = report_text(report)
    assert "fishing 1 → 2: done, 3 of 3 rows (3 assessed, 0 failed)" in text
    assert "Reduced licence: gained 1, lost 1" in text
    assert "Low income (§ 12): 1 claims" in text
