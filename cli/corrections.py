"""`eligibility rules correction-impact`: which recorded decisions a correction changes."""

from __future__ import annotations

import click

from cli.common import database_option, engine_option, storage
from eligibility import services
from eligibility.evaluation import EngineName
from eligibility.model import localize
from eligibility.services.corrections import Direction

SAYS: dict[Direction, str] = {
    "paid_too_much": "paid too much",
    "paid_too_little": "paid too little",
    "outcome_changed": "outcome changed",
}


@click.command("correction-impact")
@click.argument("ruleset_id")
@click.argument("version")
@engine_option
@database_option
def correction_impact(ruleset_id: str, version: str, engine: EngineName, url: str | None) -> None:
    """Replay the decisions recorded under the versions VERSION corrects, under VERSION.

    Lists each decision whose outcome changes (paid too much, too little, or another
    outcome) with the amounts before and after; the API twin is
    GET /v1/rulesets/{id}/versions/{version}/correction-impact.
    """
    with storage(url) as store:
        chosen = services.stored_evaluator(store, engine)
        impact = services.correction_impact(store, ruleset_id, version, chosen)
    reason = localize(impact.reason, "en", "en") or ""
    click.echo(f"{ruleset_id} {version} ({impact.status}) corrects {', '.join(impact.supersedes)}")
    if reason:
        click.echo(f"  because: {reason}")
    for decision in impact.decisions:
        amounts = ", ".join(
            f"{goal} {old} → {new}" for goal, (old, new) in decision.amounts.items()
        )
        what = amounts or "; ".join(decision.changes)
        click.echo(
            f"{decision.decision_id}  #{decision.sequence}  {decision.as_of}  "
            f"{SAYS[decision.direction]} ({decision.difference:+})  {what}"
        )
    for direction, text in SAYS.items():
        if impact.count(direction):
            click.echo(f"{text}: {impact.count(direction)} decision(s), {impact.amount(direction)}")
    click.echo(
        f"{impact.total} decision(s) replayed: {impact.unchanged} unchanged, "
        f"{len(impact.decisions)} changed, {len(impact.failed)} failed"
    )
