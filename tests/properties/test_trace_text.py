"""A version's trace written from its template is exactly the text each store keeps.

`batch.replayed` compares the trace computed now with the stored text unparsed, written
from a template per version (`batch.trace_text`): the JSON type's writing (SQLite's
records stored before their texts were canonical) and the canonical text (every record
stored since). For every example version and its authors' scenarios, both
must equal what those writers give for the trace a decision records (`outcome_of`),
whichever answers leave values out of the trace's inputs. Where texts differ the trace is
compared by value (`batch.traced`): by rule, naming the first step that differs, whether
the stored text is read at the one step where the texts part or parsed whole.
"""

from __future__ import annotations

import json

import pytest

from eligibility import EligibilityError, evaluate
from eligibility.batch.outcomes import goal_values
from eligibility.batch.trace_text import common_prefix, template
from eligibility.batch.traced import first_difference, steps, trace_difference
from eligibility.compiler import CompiledRuleSet
from eligibility.decisions import outcome_of
from eligibility.decisions.recorded import Recorded
from eligibility.decisions.sealing import canonical_text

from .examples import FLAT_RULESET_IDS, VERSION_IDS, example, scenario_answers


@pytest.mark.parametrize(
    "version_id", [v for v in VERSION_IDS if v.split("/")[0] in FLAT_RULESET_IDS]
)
def test_the_template_writes_the_stored_text(version_id: str) -> None:
    version = example(version_id)
    written = 0
    for answers in [{}, *scenario_answers(version)]:
        try:
            evaluation = evaluate(version, answers, with_trace=True)
        except EligibilityError:
            continue
        recorded = outcome_of(evaluation)["trace"]
        env = goal_values(version, answers, evaluation.as_of).env
        assert template(version, "json", env).write(env) == json.dumps(recorded)
        assert template(version, "canonical", env).write(env) == canonical_text(recorded)
        written += 1
    assert written


def test_a_trace_compared_by_value_names_its_first_differing_step() -> None:
    version = example(next(v for v in VERSION_IDS if v.startswith("snap/")))
    answers = scenario_answers(version)[0]
    env = goal_values(version, answers, version.ruleset.effective_from).env
    made = list(steps(version, env))
    first, last = made[0]["name"], made[-1]["name"]
    assert first_difference(made, version, env) is None
    assert first_difference(made[::-1], version, env) is None  # by rule, as the single replay
    altered = [{**made[0], "result": "altered"}, *made[1:]]
    found = first_difference(altered, version, env)
    assert found is not None and (found.path, found.recorded["result"]) == (
        f"trace.{first}",
        "altered",
    )
    extra = {**made[0], "name": "not_a_rule"}
    found = first_difference([*made, extra], version, env)
    assert found is not None and (found.path, found.replayed) == ("trace.not_a_rule", None)
    found = first_difference(made[:-1], version, env)
    assert found is not None and (found.path, found.recorded) == (f"trace.{last}", None)


@pytest.mark.parametrize("writer", ["json", "canonical"])
@pytest.mark.parametrize("recorded_under", ["this version", "another version"])
def test_the_stored_text_read_at_one_step_gives_the_same_first_difference(
    writer: str, recorded_under: str
) -> None:
    version = example(next(v for v in VERSION_IDS if v.startswith("snap/")))
    answers = scenario_answers(version)[0]
    env = goal_values(version, answers, version.ruleset.effective_from).env
    made = list(steps(version, env))
    write = json.dumps if writer == "json" else canonical_text
    extra = [*made, {**made[0], "name": "not_a_rule"}]
    cases = [made, made[:-1], extra, made[::-1]]
    one_step = []  # read at the step where the texts part, parsed no further
    renamed = []  # a rule this version has not, read there: a difference, maybe not the first
    for at in (0, len(made) // 2, len(made) - 1):
        altered = [*made[:at], {**made[at], "result": "altered"}, *made[at + 1 :]]
        moved = [*made[:at], {**made[at], "legal_reference": "§ 0"}, *made[at + 1 :]]
        other = [*made[:at], {**made[at], "name": "not_a_rule"}, *made[at + 1 :]]
        one_step += [altered, moved, other]
        renamed.append(other)
        cases += [altered, moved, other, [*altered, made[at]]]  # recorded again after: by name
    content_hash = version.content_hash if recorded_under == "this version" else "other"
    for recorded in cases:
        stored = _recorded(version, write(recorded), content_hash)
        expected = first_difference(recorded, version, env)
        found = trace_difference(stored, version, env)
        if any(recorded is r for r in renamed):
            assert expected is not None and found is not None
            assert (found.path, found.replayed) == ("trace.not_a_rule", None)
        else:
            assert found == expected
        parsed = "trace" in stored.__dict__  # the stored text parsed whole (a cached property)
        assert parsed == (recorded is not made and not any(recorded is r for r in one_step))
        assert expected is not None or not any(recorded is r for r in one_step)


def test_a_trace_written_until_it_parts_finds_where_writing_it_whole_does() -> None:
    """`Template.parting`: the common prefix and the steps begun, as from the whole text."""
    version = example(next(v for v in VERSION_IDS if v.startswith("snap/")))
    for answers in scenario_answers(version):
        env = goal_values(version, answers, version.ruleset.effective_from).env
        for writer in ("json", "canonical"):
            made = template(version, writer, env)
            pieces = made.pieces(env)
            written = "".join(pieces)
            assert made.parting(env, written) is None
            starts = made.step_starts(pieces)
            for cut in sorted({0, 1, 5, len(written) // 3, len(written) - 2, len(written) - 1}):
                for text in (written[:cut], written[:cut] + "x" + written[cut + 1 :]):
                    parted = made.parting(env, text)
                    assert parted is not None
                    assert parted.prefix == common_prefix(text, written)
                    assert parted.starts == [s for s in starts if s <= parted.prefix]
            longer = made.parting(env, written + " ")
            assert longer is not None and longer.prefix == len(written)


def _recorded(version: CompiledRuleSet, trace_text: str, content_hash: str) -> Recorded:
    """A record holding only a stored trace text (of `version` when its content hash is)."""
    return Recorded(
        1,
        "d1",
        version.ruleset.id,
        version.ruleset.version,
        content_hash,
        version.ruleset.effective_from,
        "en",
        {},
        {},
        "{}",
        trace_text,
    )
