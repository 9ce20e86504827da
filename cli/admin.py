"""Operator commands: db upgrade and grants, API keys (audit and replay: their own modules)."""

from __future__ import annotations

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


# --- rules publish / retire ------------------------------------------------------------------
