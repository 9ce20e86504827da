"""A reason written when read (`Reason.later`) is the reason written at once: equal, hashed,
shown and pickled alike, frozen, and its text written once."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError

import pytest

from eligibility.evaluation import Reason


def test_a_later_reason_is_the_same_reason() -> None:
    written: list[str] = []

    def write() -> str:
        written.append("once")
        return "Income 1,200 is below the limit."

    later = Reason.later("income_test", True, write, "7 U.S.C. 2014(c)")
    now = Reason("income_test", True, "Income 1,200 is below the limit.", "7 U.S.C. 2014(c)")
    assert written == []
    assert later == now and hash(later) == hash(now)
    assert repr(later) == repr(now) == (
        "Reason(rule='income_test', value=True, text='Income 1,200 is below the limit.', "
        "legal_reference='7 U.S.C. 2014(c)')"
    )
    assert later.text == now.text and written == ["once"]
    assert pickle.loads(pickle.dumps(later)) == now == copy.deepcopy(later)
    assert later.at("/children/c1/income_test") == Reason(
        "/children/c1/income_test", True, now.text, now.legal_reference
    )


def test_a_reason_is_frozen() -> None:
    reason = Reason("r", None, None, "§ 1")
    with pytest.raises(FrozenInstanceError):
        reason.text = "changed"  # type: ignore[misc]
    assert reason != Reason("r", False, None, "§ 1")
