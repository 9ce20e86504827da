"""Operator and auditor commands: db upgrade, API keys, audit verify, replay, publish, retire."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from eligibility import services
from eligibility.cli import main, rules
from eligibility.errors import (
    EligibilityError,
    RuleSetError,
    ScenariosFailed,
    StorageUnavailable,
)
from eligibility.ports import ROLES, DecisionFilter, ReplaySummary, Storage
from eligibility.storage import database_url, open_storage

F = TypeVar("F", bound=Callable[..., Any])
EXIT_REFUSED, EXIT_UNAVAILABLE = 2, 3


def database_option(command: F) -> F:
    """The --database-url option (default $DATABASE_URL, else SQLite under instance/)."""
    return click.option(
        "--database-url",
        "url",
        envvar="DATABASE_URL",
        default=None,
        help="SQLAlchemy URL; default $DATABASE_URL, else sqlite:///instance/eligibility.db.",
    )(command)


@contextmanager
def storage(url: str | None) -> Iterator[Storage]:
    """Open the storage; print core errors for the operator and exit non-zero."""
    store = open_storage(url)
    try:
        with reported():
            yield store
    finally:
        store.close()


@contextmanager
def reported() -> Iterator[None]:
    """Show a core error as the operator should read it, and exit with its code."""
    try:
        yield
    except StorageUnavailable as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_UNAVAILABLE)
    except RuleSetError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(EXIT_REFUSED)
    except ScenariosFailed as error:
        click.echo(f"error: {error}", err=True)
        for failure in error.failures:
            for m in failure.mismatches:
                click.echo(
                    f"  {failure.name}: {m.what}: expected {m.expected}, got {m.actual}", err=True
                )
            if failure.error:
                click.echo(f"  {failure.name}: {failure.error}", err=True)
        sys.exit(EXIT_REFUSED)
    except EligibilityError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_REFUSED)


# --- db ---------------------------------------------------------------------------------------


@main.group()
def db() -> None:
    """The database: migrations."""


@db.command()
@database_option
def upgrade(url: str | None) -> None:
    """Migrate the database to the latest schema (creates it if needed)."""
    from eligibility.storage.migrate import current
    from eligibility.storage.migrate import upgrade as migrate

    with reported():
        migrate(database_url(url))
        click.echo(f"database at revision {current(database_url(url))}")


# --- keys -------------------------------------------------------------------------------------


@main.group()
def keys() -> None:
    """API keys: create (shown once), list, revoke."""


@keys.command("create")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", required=True, help="Who or what uses the key.")
@database_option
def create_key(role: str, name: str, url: str | None) -> None:
    """Create a key and print its secret once (only its hash is stored)."""
    with storage(url) as store:
        token, key = services.create_key(store, role, name)  # type: ignore[arg-type]
    click.echo(f"id:     {key.id}\nrole:   {key.role}\nname:   {key.name}")
    click.echo(f"secret: {token}")
    click.echo("Store the secret now: it is not shown again.", err=True)


@keys.command("list")
@database_option
def list_keys(url: str | None) -> None:
    """Every key: id, role, name, prefix, created and revoked."""
    with storage(url) as store:
        found = services.list_keys(store)
    for key in found:
        revoked = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
        click.echo(
            f"{key.id}  {key.role:9}  {key.prefix}…  {key.created_at:%Y-%m-%d}  {revoked}  "
            f"{key.name}"
        )
    click.echo(f"{len(found)} key(s)")


@keys.command("revoke")
@click.argument("key_id")
@database_option
def revoke_key(key_id: str, url: str | None) -> None:
    """Revoke a key by id."""
    with storage(url) as store:
        key = services.revoke_key(store, key_id)
    click.echo(f"revoked {key.id} ({key.role}, {key.name})")


# --- audit ------------------------------------------------------------------------------------


@main.group()
def audit() -> None:
    """The decision log: verify the hash chain."""


@audit.command()
@database_option
def verify(url: str | None) -> None:
    """Check every decision's hash and link: `ok`, or the first broken record and why."""
    with storage(url) as store:
        result = services.verify_audit_chain(store)
    click.echo(str(result))
    sys.exit(0 if result.ok else 1)


# --- replay -----------------------------------------------------------------------------------


@main.command()
@click.option(
    "--ruleset", "ruleset_id", required=True, help="The rule set whose decisions to replay."
)
@click.option(
    "--to-version", help="What-if: replay under this version instead of the recorded one."
)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only decisions recorded since.")
@click.option("--workers", type=click.IntRange(1, 256), default=1, show_default=True)
@click.option("--by", default="cli", show_default=True, help="Who runs the replay (audit trail).")
@database_option
def replay(
    ruleset_id: str,
    to_version: str | None,
    since: dt.datetime | None,
    workers: int,
    by: str,
    url: str | None,
) -> None:
    """Replay recorded decisions (exactly, or what-if under --to-version) and summarise."""
    since_utc = since.replace(tzinfo=dt.UTC) if since else None
    with storage(url) as store:
        job = services.start_replay_job(
            store, ruleset_id, by, to_version, filters=DecisionFilter(recorded_from=since_utc)
        )
        with click.progressbar(length=max(job.total, 1), label="replaying") as bar:

            def progress(processed: int, total: int) -> None:
                bar.update(processed - bar.pos)

            job = services.run_replay_job(store, job.id, workers=workers, progress=progress)
    target = to_version or "the recorded versions"
    click.echo(f"replay {job.id} of {ruleset_id} under {target}:")
    click.echo(summary_text(job.summary))


def summary_text(summary: ReplaySummary) -> str:
    """A replay summary as lines for people."""
    lines = [
        f"total {summary.total}, unchanged {summary.unchanged}, changed {summary.changed}, "
        f"failed {summary.failed}"
    ]
    for goal, counts in summary.by_goal.items():
        for change, count in counts.items():
            lines.append(f"  {goal}: {change}  ×{count}")
    if summary.changed_ids:
        lines.append("changed: " + ", ".join(summary.changed_ids))
    for decision_id, error in summary.failed_ids.items():
        lines.append(f"failed {decision_id}: {error}")
    return "\n".join(lines)


# --- rules publish / retire ------------------------------------------------------------------


@rules.command("publish")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--by", default="cli", show_default=True, help="Who publishes (audit trail).")
@database_option
def publish(paths: tuple[Path, ...], by: str, url: str | None) -> None:
    """Publish the versions in rule files (their scenarios must pass; published is final)."""
    with storage(url) as store:
        done = services.publish_files(store, paths, by)
    for stored in done:
        click.echo(f"published {stored.ruleset_id} {stored.version}  {stored.content_hash}")


@rules.command("retire")
@click.argument("ruleset_id")
@click.argument("version")
@click.option("--by", default="cli", show_default=True, help="Who retires (audit trail).")
@database_option
def retire(ruleset_id: str, version: str, by: str, url: str | None) -> None:
    """Retire a published version: new decisions no longer use it; replay still does."""
    with storage(url) as store:
        stored = services.retire(store, ruleset_id, version, by)
    click.echo(f"retired {stored.ruleset_id} {stored.version}")
