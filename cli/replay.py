"""`eligibility replay`: recorded decisions replayed (exactly or what-if), summarised for people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sized
from pathlib import Path

import click
from tqdm import tqdm

from cli.cluster import Interrupt, cluster, cluster_options
from cli.common import database_option, engine_option, storage
from eligibility import services
from eligibility.batch.cluster import Cluster
from eligibility.batch.partitions import describe
from eligibility.decisions import ReplayResult
from eligibility.evaluation import EngineName
from eligibility.ports import Storage
from eligibility.records import DecisionFilter, ReplayJob, ReplaySummary


@click.command()
@click.option("--ruleset", "ruleset_id", help="The rule set whose decisions to replay.")
@click.option(
    "--to-version", help="What-if: replay under this version instead of the recorded one."
)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only decisions recorded since.")
@cluster_options
@click.option("--by", default="cli", show_default=True, help="Who runs the replay (audit trail).")
@click.option(
    "--results",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write each decision's result to this file (.csv or .jsonl).",
)
@click.option("--decision", "decision_id", help="Replay only this decision and show its changes.")
@click.option(
    "--resume",
    "job_id",
    help="Run a failed or cancelled replay job again: only its partitions not yet done.",
)
@engine_option
@database_option
def replay(
    ruleset_id: str | None,
    to_version: str | None,
    since: dt.datetime | None,
    scheduler: str | None,
    workers: int | None,
    by: str,
    results: Path | None,
    decision_id: str | None,
    job_id: str | None,
    engine: EngineName,
    url: str | None,
) -> None:
    """Replay recorded decisions (exactly, or what-if under --to-version) and summarise.

    The decisions are replayed on a Dask cluster (--scheduler, else a local one whose
    dashboard is printed), each partition read by its worker. Progress goes to stderr;
    the summary names each changed goal by its label, the rules that made the
    difference and how the amounts move. Ctrl-C stops and summarises what was done;
    --resume with the job's id (printed first) runs the rest.
    """
    if decision_id is None and ruleset_id is None and job_id is None:
        raise click.UsageError("give --ruleset (or --decision for one decision, --resume a job)")
    if results is not None and results.suffix not in (".csv", ".jsonl"):
        raise click.BadParameter("the file must end in .csv or .jsonl", param_hint="--results")
    with storage(url) as store:
        if decision_id is not None:
            chosen = services.stored_evaluator(store, engine)
            result = services.replay_decision(store, decision_id, to_version, evaluator=chosen)
            click.echo(decision_text(result))
            return
        if job_id is not None:
            job = services.resume_replay_job(store, job_id)
        else:
            assert ruleset_id is not None
            since_utc = since.replace(tzinfo=dt.UTC) if since else None
            job = services.start_replay_job(
                store, ruleset_id, by, to_version, filters=DecisionFilter(recorded_from=since_utc)
            )
        click.echo(f"replay job {job.id} (to resume it: --resume {job.id})", err=True)
        with cluster(scheduler, workers) as on:
            job = _run(store, job, on, engine)
        _show(store, job, job.ruleset_id, job.target_version, results)


def _run(store: Storage, job: ReplayJob, on: Cluster, engine: EngineName) -> ReplayJob:
    """Run the job with a progress bar; a failed partition still shows what was done."""
    with (
        tqdm(total=job.total or None, desc="replaying", unit="decision", mininterval=0.5) as bar,
        Interrupt().installed() as interrupt,
    ):

        def progress(processed: int, total: int) -> None:
            bar.total = total  # counted once the job started
            bar.update(processed - bar.n)

        try:
            return services.run_replay_job(
                store, job.id, cluster=on, progress=progress, stop=interrupt, engine=engine
            )
        except Exception as error:
            failed = store.jobs.get(job.id)
            if failed is None or failed.status != "failed" or not failed.summary.failed_partitions:
                raise  # the job could not start: reported as any other error
            click.echo(f"error: {describe(error)}", err=True)
    return services.get_replay_job(store, job.id)


def _show(
    store: Storage,
    job: ReplayJob,
    ruleset_id: str,
    to_version: str | None,
    results: Path | None,
) -> None:
    if results is not None:
        with results.open("w", encoding="utf-8", newline="") as out:
            out.writelines(services.export_replay_results(store, job.id, results.suffix[1:]))
    target = to_version or "the recorded versions"
    state = "" if job.status == "done" else f" ({job.status}: {job.processed} of {job.total})"
    click.echo(f"replay {job.id} of {ruleset_id} under {target}{state}:")
    click.echo(summary_text(job.summary))
    if results is not None:
        click.echo(f"results: {results}")


def decision_text(result: ReplayResult) -> str:
    """One replayed decision for people: each changed goal, the rules behind it."""
    head = (
        f"decision {result.decision_id} (#{result.sequence}) recorded under "
        f"{result.recorded_version}, replayed under {result.replayed_version}: {result.status}"
    )
    if result.error is not None:
        return f"{head}\n  {result.error}"
    lines = [head]
    for change in result.changes:
        lines.append(f"  {change.describe()}")
        lines.extend(f"    {rule.describe()}" for rule in change.rules)
    if result.status == "unchanged":
        lines.append(f"  same outcomes; {len(result.differences)} detail(s) differ")
    return "\n".join(lines)


def summary_text(summary: ReplaySummary) -> str:
    """A replay summary as lines for people."""
    lines = [
        f"total {summary.total}, unchanged {summary.unchanged}, changed {summary.changed}, "
        f"failed {summary.failed}"
    ]
    for goal, counts in summary.by_goal.items():
        label = summary.labels.get(goal, goal)
        for change, count in counts.items():
            lines.append(f"  {label} ({goal}): {change}  ×{count}")
    if summary.by_rule:
        lines.append("rules that made the difference:")
        for rule, seen in summary.by_rule.items():
            where = f" ({seen['legal_reference']})" if seen.get("legal_reference") else ""
            lines.append(f"  {seen.get('label', rule)}{where}  in {seen['decisions']} decision(s)")
    if summary.amounts:
        lines.append("amounts (recorded → replayed):")
        for goal, sums in summary.amounts.items():
            lines.append(
                f"  {summary.labels.get(goal, goal)} ({goal}): {sums['recorded']} → "
                f"{sums['replayed']} ({sums['difference']}) over {sums['decisions']} decision(s)"
            )
    if summary.changed_ids:
        lines.append(
            f"changed{_first(summary.changed, summary.changed_ids)}: "
            + ", ".join(summary.changed_ids)
        )
    if summary.failed > len(summary.failed_ids):  # the kinds of all, then the first listed
        lines.extend(f"failed with {kind}: {count}" for kind, count in summary.failures.items())
        lines.append(f"failed{_first(summary.failed, summary.failed_ids)}:")
    for decision_id, error in summary.failed_ids.items():
        lines.append(f"failed {decision_id}: {error}")
    for part in summary.failed_partitions:
        lines.append(
            f"partition {part['index']} (keys {part['from']}–{part['to']}, {part['rows']} rows) "
            f"did not complete: {part['error']}"
        )
    return "\n".join(lines)


def _first(count: int, listed: Sized) -> str:
    """Where a summary names only the first decisions of `count`: says so, and where all are."""
    if count <= len(listed):
        return ""
    return f" (the first {len(listed)} of {count}; --results FILE lists them all)"
