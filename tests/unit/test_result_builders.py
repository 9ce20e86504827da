"""`GoalResult.of` and `Evaluation.of` (built without `__init__`) make the dataclasses' objects."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import pickle
from decimal import Decimal

import pytest

from eligibility.evaluation.result import Evaluation, GoalResult, Reason


@pytest.mark.parametrize("cls", [GoalResult, Evaluation])
def test_of_takes_every_field_in_order(cls: type) -> None:
    parameters = list(inspect.signature(cls.of).parameters)
    assert parameters == [f.name for f in dataclasses.fields(cls)]


def test_goal_result_of_equals_the_dataclass() -> None:
    reasons = (Reason("r1", True, "text", "§ 1"),)
    values = ("benefit", "decimal", Decimal("12.50"), True, "Benefit", reasons, "USD", 2)
    made, built = GoalResult.of(*values), GoalResult(*values)
    assert made == built and repr(made) == repr(built) and hash(made) == hash(built)
    assert pickle.loads(pickle.dumps(made)) == built
    assert dataclasses.replace(made, value=None) == dataclasses.replace(built, value=None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.value = None  # type: ignore[misc]


def test_evaluation_of_equals_the_dataclass() -> None:
    goal = GoalResult.of("eligible", "boolean", True, True, None, (), None, None)
    values = ("snap", "2019-10-01", "abc", dt.date(2020, 1, 1), "en", {"a": 1},
              {"eligible": goal}, (), ("b",), "durable", (), {})  # fmt: skip
    made, built = Evaluation.of(*values), Evaluation(*values)  # type: ignore[arg-type]
    assert made == built and repr(made) == repr(built)
    assert made.complete and made.outcome == {"eligible": True}
    assert pickle.loads(pickle.dumps(made)) == built
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.engine = "pure"  # type: ignore[misc]


def test_a_reason_written_later_equals_one_written_at_once() -> None:
    later = Reason.later("r1", False, lambda: "written", "§ 2")
    assert later == Reason("r1", False, "written", "§ 2")
    assert later.text == "written" and pickle.loads(pickle.dumps(later)) == later
