"""`eligibility rules explain`: one case goal by goal, each reason once, and what is missing.

Several goals usually rest on the same rules (the amount on eligibility), so the known
reasons are printed once; an undecided goal names the questions it still needs, and
the next questions that matter follow, in asking order, with why each is asked.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from cli.common import DEFAULT_RULES, _load, engine_option
from eligibility.errors import AnswerError, EligibilityError, Problem, RuleSetError
from eligibility.evaluation import EngineName, Evaluation, GoalResult, NextQuestion, Reason
from eligibility.explanation import collections_read, missing_by_goal, new_reasons
from eligibility.instance_results import InstanceResult
from eligibility.model import Location, RuleSet
from eligibility.services import EvaluationRequest, Evaluator
from eligibility.values_io import pointer_path, to_plain
from eligibility.yaml_source import load_yaml


@click.command()
@click.argument("ruleset")
@click.option(
    "--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="Date the claim is about."
)
@click.option("--version", "version", help="A version id instead of --as-of.")
@click.option("--answers", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--locale", default=None)
@click.option("--rules-dir", type=click.Path(exists=True, path_type=Path), default=DEFAULT_RULES)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@engine_option
def explain(
    ruleset: str,
    as_of: dt.datetime | None,
    version: str | None,
    answers: Path,
    locale: str | None,
    rules_dir: Path,
    as_json: bool,
    engine: EngineName,
) -> None:
    """Evaluate answers: each goal with its reasons, and what is still missing."""
    evaluator = Evaluator(_load((rules_dir,)), engine)
    data, positions = _answers(answers)
    request = EvaluationRequest(
        ruleset, data, version, as_of.date() if as_of else None, (locale,) if locale else ()
    )
    try:
        result = evaluator.evaluate(request, drafts=True)
    except AnswerError as error:
        _answer_problems(error, positions, answers)
    except EligibilityError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    compiled = evaluator.catalogue.version(result.ruleset_id, result.version, drafts=True)
    missing = missing_by_goal(compiled, data, result.as_of)
    waits = {g: collections_read(compiled, g) for g in missing}
    for goal, collections in waits.items():
        missing[goal] += _in_collections(result, compiled.ruleset, collections)
    if as_json:
        click.echo(json.dumps(_plain(result, missing, waits), indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(_text(result, missing, waits)))


def _answers(path: Path) -> tuple[dict[str, Any], dict[str, Location]]:
    try:
        data, positions = load_yaml(path.read_text(encoding="utf-8"), str(path))
    except RuleSetError as error:
        for problem in error.problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(2)
    if not isinstance(data, dict):
        problem = Problem("write the answers as 'question: answer' lines", "", str(path), 1, 1)
        click.echo(f"error: {problem}", err=True)
        sys.exit(2)
    return data, positions


def _answer_problems(error: AnswerError, positions: dict[str, Location], file: Path) -> None:
    for at, messages in error.errors.items():
        path = pointer_path(at)
        where = positions.get(path, Location(str(file)))
        for message in messages:
            problem = Problem(message, path, where.file, where.line, where.column)
            click.echo(f"error: {problem}", err=True)
    sys.exit(2)


def _in_collections(result: Evaluation, ruleset: RuleSet, collections: list[str]) -> list[str]:
    """The next questions inside these collections, and whether their lists are complete.

    The root's relevance walk stops at aggregates; the evaluation's own walk goes into the
    instances, and its next questions say where (`/children/c2/in_education`).
    """
    closing = {c.completeness_question for c in ruleset.collections if c.id in collections}
    found: list[str] = []
    for question in result.next_questions:
        inside = question.path is not None and question.path.split("/")[1] in collections
        if inside or (question.path is None and question.question.id in closing):
            found.append(question.key)
    return found


def _plain(
    result: Evaluation, missing: dict[str, list[str]], waits: dict[str, list[str]]
) -> dict[str, Any]:
    return {
        "ruleset": result.ruleset_id,
        "version": result.version,
        "status": "complete" if result.complete else "incomplete",
        "goals": {
            k: {
                "value": to_plain(g.value),
                "decided": g.decided,
                "reasons": [r.text for r in g.reasons],
                **({} if g.decided else {"missing": missing.get(k, [])}),
                **({"collections": waits[k]} if waits.get(k) else {}),
            }
            for k, g in result.goals.items()
        },
        "next_questions": [
            {
                "id": q.key,
                "pointer": q.pointer,
                "label": q.label,
                "why": [{"text": w.text, "legal_reference": w.legal_reference} for w in q.why],
            }
            for q in result.next_questions
        ],
        "instances": {
            item.pointer: {k: _goal_plain(g) for k, g in item.goals.items()}
            for item in _flat(result.instances)
        },
        "ignored_answers": list(result.ignored_answers),
    }


def _goal_plain(goal: GoalResult) -> dict[str, Any]:
    reasons = [r.text for r in goal.reasons]
    return {"value": to_plain(goal.value), "decided": goal.decided, "reasons": reasons}


def _flat(instances: Mapping[str, tuple[InstanceResult, ...]]) -> list[InstanceResult]:
    found: list[InstanceResult] = []
    for items in instances.values():
        for item in items:
            found += [item, *_flat(item.collections)]
    return found


def _text(
    result: Evaluation, missing: dict[str, list[str]], waits: dict[str, list[str]]
) -> list[str]:
    goals = list(result.goals.values())
    decided = sum(g.decided for g in goals)
    status = "complete" if result.complete else f"incomplete, {decided} of {len(goals)} decided"
    lines = [f"{result.ruleset_id} {result.version} (as of {result.as_of}): {status}"]
    shown: set[tuple[str, str | None]] = set()
    for goal in goals:
        lines.append(f"{goal.label or goal.id}: {_value(goal)}")
        if goal.decided:
            lines += _decided_reasons(goal, shown)
        else:
            lines.append(_needs(goal, missing, result, waits.get(goal.id, [])))
    lines += _instances(result.instances, shown)
    known = new_reasons([g for g in goals if not g.decided], shown)
    if known:
        lines.append("Known so far:")
        lines += [_reason(r) for r in known]
    if result.next_questions:
        lines.append("Still missing, the next questions that matter (in asking order):")
        for question in result.next_questions:
            lines += _question(question)
    if result.ignored_answers:
        lines.append("Ignored answers: " + ", ".join(result.ignored_answers))
    return lines


def _instances(
    instances: Mapping[str, tuple[InstanceResult, ...]], shown: set[tuple[str, str | None]]
) -> list[str]:
    """Each instance of each collection with its goals (each employee's allowance)."""
    lines: list[str] = []
    for items in instances.values():
        for item in items:
            lines.append(f"{item.pointer}" + (f" ({item.label})" if item.label else "") + ":")
            for goal in item.goals.values():
                lines.append(f"  {goal.label or goal.id}: {_value(goal)}")
                lines += ["  " + line for line in _decided_reasons(goal, shown)]
            lines += _instances(item.collections, shown)
    return lines


def _decided_reasons(goal: GoalResult, shown: set[tuple[str, str | None]]) -> list[str]:
    """A decided goal's reasons not printed yet; a pointer up when all of them were."""
    reasons = new_reasons([goal], shown)
    if not reasons and goal.reasons:
        return ["  for the reasons above"]
    return [_reason(r) for r in reasons]


def _value(goal: GoalResult) -> str:
    return json.dumps(to_plain(goal.value), ensure_ascii=False) if goal.decided else "undecided"


def _reason(reason: Reason) -> str:
    return f"  - {reason.text}  [{reason.legal_reference}]"


def _needs(
    goal: GoalResult, missing: dict[str, list[str]], result: Evaluation, collections: list[str]
) -> str:
    questions = missing.get(goal.id, [])
    unknown = [q for q, v in result.answers.items() if v == "unknown"]
    if not questions and collections and not unknown:
        return (
            f"  still needs answers about {', '.join(collections)} "
            "(their own questions, or whether the list is complete)"
        )
    if not questions:
        said = f" ('I don't know' to {', '.join(unknown)})" if unknown else ""
        return f"  cannot be decided with the answers given{said}"
    base = _needing_less(goal.id, missing, result)
    if base is None:
        return f"  still needs: {', '.join(questions)}"
    more = [q for q in questions if q not in missing[base.id]]
    also = f", and {', '.join(more)}" if more else ""
    return f"  still needs what '{base.label or base.id}' needs{also}"


def _needing_less(
    goal_id: str, missing: dict[str, list[str]], result: Evaluation
) -> GoalResult | None:
    """The earlier undecided goal whose missing questions this goal needs too (most of them)."""
    undecided = [g for g in result.goals.values() if g.id in missing]
    earlier = undecided[: [g.id for g in undecided].index(goal_id)]
    needed = set(missing[goal_id])
    fits = [g for g in earlier if missing[g.id] and set(missing[g.id]) <= needed]
    return max(fits, key=lambda g: len(missing[g.id]), default=None)


def _question(question: NextQuestion) -> list[str]:
    lines = [f"  {question.key}: {question.label}"]
    for why in question.why:
        reference = why.legal_reference
        cited = f"  [{reference}]" if reference and reference not in (why.text or "") else ""
        lines.append(f"      why: {why.text}{cited}")
    return lines
