"""Operator commands: db upgrade and grants, API keys (audit and replay: their own modules)."""

from __future__ import annotations

import datetime as dt

import click

from cli.common import database_option, reported, storage
from eligibility import services
from eligibility.records import ROLES
from eligibility.storage import database_url

# --- db ---------------------------------------------------------------------------------------


@click.group()
def db() -> None:
    """The database: migrations."""


APP_ROLE = click.option(
    "--app-role",
    envvar="DATABASE_APP_ROLE",
    help="PostgreSQL role the service connects as: granted INSERT and SELECT on decisions "
    "and what else it needs, nothing more (default $DATABASE_APP_ROLE).",
)


@db.command()
@database_option
@APP_ROLE
def upgrade(url: str | None, app_role: str | None) -> None:
    """Migrate the database to the latest schema (creates it if needed)."""
    from eligibility.storage.migrate import current
    from eligibility.storage.migrate import upgrade as migrate

    with reported():
        migrate(database_url(url), app_role=app_role)
        click.echo(f"database at revision {current(database_url(url))}")


@db.command()
@click.argument("role")
@database_option
def grant(role: str, url: str | None) -> None:
    """Grant ROLE the service's privileges on the current schema (PostgreSQL; idempotent)."""
    from eligibility.storage.migrate import grant_app_role

    with reported():
        grant_app_role(database_url(url), role)
    click.echo(f"granted {role}: SELECT and INSERT on decisions, and the service's other tables")


# --- keys -------------------------------------------------------------------------------------


@click.group()
def keys() -> None:
    """API keys: create (shown once), list, revoke."""


def _expiry(text: str | None) -> dt.datetime | None:
    """--expires: a day (expires at its start, UTC), a moment (ISO 8601), or 90d / 12h from now."""
    if text is None:
        return None
    spec = text.strip().lower()
    try:
        if spec[-1:] in ("d", "h") and spec[:-1].isdigit():
            unit = "days" if spec[-1] == "d" else "hours"
            return dt.datetime.now(dt.UTC) + dt.timedelta(**{unit: int(spec[:-1])})
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            "a date (2027-01-31), a moment (2027-01-31T18:00+01:00) or 90d / 12h"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


@keys.command("create")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", required=True, help="Who or what uses the key.")
@click.option(
    "--expires",
    help="When the key stops working: a date (its start, UTC), an ISO 8601 moment, or 90d / "
    "12h from now. Without it the key works until revoked.",
)
@database_option
def create_key(role: str, name: str, expires: str | None, url: str | None) -> None:
    """Create a key and print its secret once (only its hash is stored)."""
    expires_at = _expiry(expires)
    with storage(url) as store:
        try:
            token, key = services.create_key(store, role, name, expires_at)  # type: ignore[arg-type]
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--expires") from None
    click.echo(f"id:     {key.id}\nrole:   {key.role}\nname:   {key.name}")
    if key.expires_at is not None:
        click.echo(f"expires: {key.expires_at.isoformat(timespec='minutes')}")
    click.echo(f"secret: {token}")
    click.echo("Store the secret now: it is not shown again.", err=True)


@keys.command("list")
@database_option
def list_keys(url: str | None) -> None:
    """Every key: id, role, name, prefix, created, and revoked or expiring."""
    with storage(url) as store:
        found = services.list_keys(store)
    now = dt.datetime.now(dt.UTC)
    for key in found:
        revoked = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
        if key.active and key.expires_at is not None:
            state = "expired" if not key.usable(now) else "active, expires"
            revoked = f"{state} {key.expires_at:%Y-%m-%d %H:%M}"
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


# --- rules publish / retire ------------------------------------------------------------------
