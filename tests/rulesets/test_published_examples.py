"""Which example rule sets are published, and the review that let them be (issue 11).

A legal team publishes a version once every scenario passes and the scenarios exercise every
outcome of its rules (`rules publish --require-coverage`). Kindergeld 2023-2026 passed that review
and is published: its content hashes are pinned, since a published version never changes. Each is
superseded by a published correction `.1` that only gives the children collection its title (a
text the claimant is shown, inside the content hash like every label), with the same scenarios. The
employer's Kurzarbeitergeld claim was restructured so that each version holds only the law of its
window (the baseline 2016-01-01 no § 421c, agency-work ordinance or negative-balance relief; each
later version adds and removes what its window changes; 2025 and 2026 the benefit period of the
3. and 4. KugBeV and § 104, as the one-employee corrections of those years); all ten passed the
review and are published (EMPLOYER_CLAIM pins them).
The one-employee Kurzarbeitergeld corrections are published as each passes the same review, once it
holds only the law in force in its window (2016-01-01.1: no § 421c, no agency-work ordinance, no
relief for negative balances; 2020-03-01.1: agency work and negative balances not asked, as the
KugV decides both for every month, the KugBeV in force for every month; 2020-05-29.1: the same,
and the increased rates of § 421c Abs. 2 without a rule whether they are provided; 2021-01-01.1:
the same, the increased rates only for an entitlement that arose by 31 March 2021; 2022-01-01.1:
the KugverlV's relief, no scope rule for the increased rates; 2022-04-01.1: agency work asked
again (it excludes), negative balances not asked (§ 421c Abs. 4 Nr. 2); 2022-07-01.1: no
increased rates, month of receipt or duration ordinance any more, agency work by the claim month;
2023-07-01.1:
no duration ordinance either; 2025-01-01.1 and 2026-01-01.1: the benefit period of the 3. and 4.
KugBeV counted from the period's start, up to 24 months, at most until December of the year, and
no allowance for a month after its end); they supersede the published originals, whose hashes
tests/rulesets/test_kug_corrections.py pins.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eligibility import Catalogue, load_paths
from eligibility.coverage import coverage
from eligibility.scenarios import run_scenarios

RULES = Path(__file__).resolve().parents[2] / "rules"
KINDERGELD = {
    "2023-01-01": "333260049be67ebbb0de4478227476c625fc4eb00bf7e1487cdf1feb201a7d4a",
    "2025-01-01": "1999b77d45b6b3749bf7999ee54d16ccdab767e6b22dcdd3966527d7897feb1f",
    "2026-01-01": "267e20cf812a17af10fcbd0b71b98a75e67cb261edafffd2872a3931f13b5483",
}
KINDERGELD_CORRECTIONS = {
    "2023-01-01.1": "48bcf63e3fdfc37536224c95e6b229315bc7155825d89d3743fcd486c860ed2f",
    "2025-01-01.1": "586020612deab623ed504c3d02ada8a071ac8746ed38bdc18b549cfc18edbf20",
    "2026-01-01.1": "9ab77f6f4428d20dd9edd06f62355122c53d9c525aef216b154cb5ee112bf8bd",
}

# The employer's monthly claim (rules/kurzarbeitergeld-abrechnung): versions whose review passed.
EMPLOYER_CLAIM = {
    "2016-01-01": "ef287d94b4c84f86ce674ce5a97b0d5141099c8ef15b75e41aef5ea10f035ee4",
    "2020-03-01": "87af315ef06aec89365d42ffc2cd842b2dd6789d6c81e867778381d39bb4be54",
    "2020-05-29": "9e380826daeabf24b13cba0988cadc5a96aaa51f3e882e17c3cd668a4051036e",
    "2021-01-01": "e080430fd6ff5d564d5e107d966d50d7ba47d8b6f11abe4a21ae45df5f1e2121",
    "2022-01-01": "22cc62590fe47db3dfadff440a8591dfd20d2cd75d420fbdf28a1ab2d6259094",
    "2022-04-01": "31428ae0e325a36d717be8ecc7bf363274a60b623350f4f400174131af424c82",
    "2022-07-01": "0d04b35ff02d025dd1963fd36ebc1d4064e01da825079ecbf66b5175fd46e9cf",
    "2023-07-01": "6c93512d50d0bd35f1741b32ad0496da57c07a9e8b47f00e8feac39985a72800",
    "2025-01-01": "750910d208cf9882ec68087f7215ee381aefbd1ee15853f0c7dda2eff735ddc6",
    "2026-01-01": "96eb17bbe59a34141fd5388d73bd809e794d21e953381e15477b7329395dc2f8",
}

KUG_CORRECTIONS = {
    "2016-01-01.1": "8d15abc6dd61757b5a8bae8f03125f7d25ca30c78a4de4412e4a10f661c6c15c",
    "2020-03-01.1": "3256c243146be00335f7d110f5c54f951b6076afce984e7f36f30d5248c07f3d",
    "2020-05-29.1": "078b53866dd35d483edcf2d4c948b9aeeda99f53ca17a44e703c0f8249421d4b",
    "2021-01-01.1": "30c0d1e6381f15783f73ce0f54d74673379c6c06b1c22de654acb805c85967a4",
    "2022-01-01.1": "0c55c98b5dd0b33e5adb7c132861a6bd07f97726f65222a34d400cc7b8d5ee57",
    "2022-04-01.1": "7a5ab8cbf1642c7b162ac386761e9a8e18d6f88ecec1d739f6769c46358fceda",
    "2022-07-01.1": "21b97f11e1d19cde247cf021733b671079dad0634202198899ccceb1aa93ffb2",
    "2023-07-01.1": "69da7fb0d0cc4fead40fdcecce07c3d62059e3c95f9c23884a74c1a7f7c7e7d5",
    "2025-01-01.1": "8d0b1f8dca95bb026a7a41ace2c81d9dde2ebb4f5f0bb72c15e4232b5047bbf4",
    "2026-01-01.1": "f354c105ecfa8efd8d2ad31e3190efab025da3d268410c692c8678397f586893",
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    folders = ("kindergeld", "kurzarbeitergeld", "kurzarbeitergeld-abrechnung")
    return Catalogue.of(load_paths([RULES / name for name in folders]))


@pytest.mark.parametrize(("version", "content_hash"), sorted(KINDERGELD.items()))
def test_kindergeld_is_published_as_reviewed(
    catalogue: Catalogue, version: str, content_hash: str
) -> None:
    compiled = catalogue.version("kindergeld", version)
    assert compiled.ruleset.status == "published"
    assert compiled.content_hash == content_hash  # a published version never changes
    assert all(r.passed for r in run_scenarios(compiled, compiled.ruleset, "pure"))
    assert coverage(compiled).complete, coverage(compiled).summary()
    # Claims dated in its window are decided by its correction (the title alone) without naming it.
    month = dt.date.fromisoformat(version).replace(month=3)
    assert catalogue.covering("kindergeld", month).ruleset.version == f"{version}.1"


CORRECTIONS = [("kindergeld", v, h) for v, h in sorted(KINDERGELD_CORRECTIONS.items())] + [
    ("kurzarbeitergeld", v, h) for v, h in sorted(KUG_CORRECTIONS.items())
]


@pytest.mark.parametrize(("ruleset", "version", "content_hash"), CORRECTIONS)
def test_corrections_are_published_as_reviewed(
    catalogue: Catalogue, ruleset: str, version: str, content_hash: str
) -> None:
    compiled = catalogue.version(ruleset, version)
    assert compiled.ruleset.status == "published"
    assert compiled.content_hash == content_hash  # a published version never changes
    assert all(r.passed for r in run_scenarios(compiled, compiled.ruleset, "pure"))
    assert coverage(compiled).complete, coverage(compiled).summary()
    # It supersedes the original: claims dated in the window are decided by it.
    original = catalogue.version(ruleset, compiled.ruleset.supersedes or "")
    assert original.ruleset.status == "published"
    governing = catalogue.covering(ruleset, original.ruleset.effective_from)
    assert governing.ruleset.version == version


@pytest.mark.parametrize(("version", "content_hash"), sorted(EMPLOYER_CLAIM.items()))
def test_the_employer_claim_is_published_as_reviewed(
    catalogue: Catalogue, version: str, content_hash: str
) -> None:
    compiled = catalogue.version("kurzarbeitergeld-abrechnung", version)
    assert compiled.ruleset.status == "published"
    assert compiled.content_hash == content_hash  # a published version never changes
    assert all(r.passed for r in run_scenarios(compiled, compiled.ruleset, "pure"))
    assert coverage(compiled).complete, coverage(compiled).summary()
    # A claim month in its window (dated by the month's first day) is decided by it.
    month = (compiled.ruleset.effective_from + dt.timedelta(days=31)).replace(day=1)
    assert catalogue.covering("kurzarbeitergeld-abrechnung", month).ruleset.version == version


def test_every_version_of_the_employer_claim_is_pinned(catalogue: Catalogue) -> None:
    versions = catalogue.ruleset("kurzarbeitergeld-abrechnung", drafts=True).versions
    assert sorted(v.ruleset.version for v in versions) == sorted(EMPLOYER_CLAIM)  # no draft left
