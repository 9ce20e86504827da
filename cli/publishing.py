"""`eligibility rules publish|retire`: the lifecycle of stored versions (for publishers)."""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import database_option, engine_option, storage
from eligibility import services
from eligibility.evaluation import EngineName


@click.command("publish")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--by", default="cli", show_default=True, help="Who publishes (audit trail).")
@click.option(
    "--require-coverage",
    is_flag=True,
    help="Refuse a version whose scenarios leave an outcome of its rules unexercised.",
)
@engine_option
@database_option
def publish(
    paths: tuple[Path, ...], by: str, require_coverage: bool, engine: EngineName, url: str | None
) -> None:
    """Publish the versions in rule files (their scenarios must pass; published is final)."""
    with storage(url) as store:
        done = services.publish_files(
            store, paths, by, require_coverage=require_coverage, engine=engine
        )
    for publication in done:
        stored = publication.version
        name = f"{stored.ruleset_id} {stored.version}  {stored.content_hash}"
        if publication.already:
            on = f" on {stored.published_at:%Y-%m-%d}" if stored.published_at else ""
            click.echo(
                f"already published {name}  (unchanged; published{on} by {stored.published_by})"
            )
        else:
            click.echo(f"published {name}")


@click.command("retire")
@click.argument("ruleset_id")
@click.argument("version")
@click.option("--by", default="cli", show_default=True, help="Who retires (audit trail).")
@database_option
def retire(ruleset_id: str, version: str, by: str, url: str | None) -> None:
    """Retire a published version: new decisions no longer use it; replay still does."""
    with storage(url) as store:
        stored = services.retire(store, ruleset_id, version, by)
    click.echo(f"retired {stored.ruleset_id} {stored.version}")
