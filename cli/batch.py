"""`eligibility batch`: assess whole populations on the cluster, and generate example ones."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cli.cluster import Interrupt, cluster, cluster_options
from cli.common import DEFAULT_RULES, database_option, engine_option, reported, storage
from eligibility import load_paths
from eligibility.batch.assess import result_rows
from eligibility.batch.assessment import Assessment, assess
from eligibility.batch.generate import GENERATORS, population, write
from eligibility.batch.populations import Population
from eligibility.batch.publish import write_report
from eligibility.batch.report import report_text
from eligibility.catalogue import compiled
from eligibility.evaluation import EngineName
from eligibility.records import DecisionFilter
from eligibility.storage import database_url


@click.group()
def batch() -> None:
    """Batch assessment of populations (files of answer sets, or the recorded decisions)."""


@click.command()
@click.argument("source", metavar="POPULATION")
@click.option("--ruleset", "ruleset_id", required=True, help="The rule set to assess under.")
@click.option("--version", required=True, help="The version (the baseline with --reform).")
@click.option("--reform", help="Assess under this version too, side by side with --version.")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Claim date of rows without one.")
@click.option("--locale", help="Language of goal labels and reasons.")
@click.option(
    "--report",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("batch-report"),
    show_default=True,
    help="Folder for the rows, summary.json and the report.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="The same assessment stopped (failed, Ctrl-C) into --report: run what it did not count.",
)
@cluster_options
@engine_option
@database_option
def assess_command(
    source: str,
    ruleset_id: str,
    version: str,
    reform: str | None,
    as_of: dt.datetime | None,
    locale: str | None,
    out: Path,
    resume: bool,
    scheduler: str | None,
    workers: int | None,
    engine: EngineName,
    url: str | None,
) -> None:
    """Assess POPULATION (.csv, .jsonl, .parquet, or `decisions`) under a version or two.

    Each row's goals (both versions' with --reform, and what changed) go to the
    report folder's rows/; failing rows keep their error and line, the others go
    on. Runs on a Dask cluster (--scheduler, else a local one whose dashboard is
    printed); the workers read the file themselves. Ctrl-C stops with a partial report;
    the same command with --resume runs the partitions not yet done.
    """
    with storage(url) as store:
        if source == "decisions":
            chosen = Population.decisions(database_url(url), DecisionFilter(ruleset_id=ruleset_id))
        else:
            if not Path(source).is_file():
                raise click.BadParameter(f"no file '{source}'", param_hint="POPULATION")
            chosen = Population.file(source)
        day = as_of.date() if as_of else None
        with (
            cluster(scheduler, workers) as on,
            _bar() as bar,
            Interrupt().installed() as interrupt,
        ):
            task = bar.add_task("assessing", total=None, rate="")
            started = time.monotonic()

            def progress(processed: int, total: int) -> None:
                rate = processed / max(time.monotonic() - started, 1e-6)
                bar.update(task, completed=processed, total=total, rate=f"{rate:,.0f} rows/s")

            job = assess(
                store,
                chosen,
                ruleset_id,
                version,
                out,
                reform=reform,
                cluster=on,
                as_of=day,
                locale=locale,
                progress=progress,
                stop=interrupt,
                engine=engine,
                resume=resume,
            )
    _show(job)


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )


def _show(job: Assessment) -> None:
    report = write_report(job.out, job.to_dict(), result_rows(job.out))
    click.echo(report_text(report))
    click.echo(
        f"report: {Path(job.out) / 'report.html'} (rows: rows/, changed claims: affected.csv)"
    )
    if job.status != "done":
        sys.exit(1)


@click.command()
@click.argument("ruleset_id", type=click.Choice(sorted(GENERATORS)))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rows", type=click.IntRange(1), default=10_000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--version", help="Only the questions of this version (default: the latest).")
@click.option(
    "--rules",
    type=click.Path(exists=True, path_type=Path),
    default=DEFAULT_RULES,
    show_default=True,
)
def generate(
    ruleset_id: str, out: Path, rows: int, seed: int, version: str | None, rules: Path
) -> None:
    """Write a synthetic, seeded population of RULESET_ID to OUT (.csv, .jsonl or .parquet)."""
    with reported():
        found = [r for r in load_paths([rules / ruleset_id]) if r.id == ruleset_id]
        chosen = [r for r in found if version in (None, r.version)]
        if not chosen:
            raise click.BadParameter(
                f"no version '{version}' of {ruleset_id}", param_hint="--version"
            )
        ruleset = max(chosen, key=lambda r: r.effective_from)
        questions = compiled(ruleset).questions
        count = write(out, population(ruleset_id, rows, seed, questions, ruleset.effective_from))
    click.echo(f"{count} {ruleset_id} rows for {ruleset.version} (seed {seed}): {out}")


assess_command.name = "assess"
batch.add_command(assess_command)
batch.add_command(generate)
