"""Auditor commands: verify the chain (against signed checkpoints), write checkpoints, keys."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any, TypeVar

import click
from tqdm import tqdm

from cli.cluster import cluster, cluster_options
from cli.common import database_option, reported, storage
from eligibility import services
from eligibility.checkpoints import CheckpointSettings, new_private_key
from eligibility.checkpoints.settings import Checkpoints
from eligibility.checkpoints.signing import CheckpointFormatError, public_pem

F = TypeVar("F", bound=Callable[..., Any])


def checkpoint_options(command: F) -> F:
    """--checkpoint-dir, --key-file and --public-keys (defaults from the CHECKPOINT_* variables)."""
    options = [
        click.option(
            "--checkpoint-dir",
            envvar="CHECKPOINT_DIR",
            type=click.Path(file_okay=False, path_type=Path),
            help="Directory of signed checkpoints (default $CHECKPOINT_DIR; none: chain only).",
        ),
        click.option(
            "--key-file",
            envvar="CHECKPOINT_KEY_FILE",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Ed25519 private key (PEM) that signs checkpoints (default $CHECKPOINT_KEY_FILE).",
        ),
        click.option(
            "--public-keys",
            envvar="CHECKPOINT_PUBLIC_KEYS",
            default="",
            help="Trusted public keys: PEM files or directories, comma-separated "
            "(default $CHECKPOINT_PUBLIC_KEYS; the signing key is always trusted).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _checkpoints(
    checkpoint_dir: Path | None, key_file: Path | None, public_keys: str
) -> Checkpoints:
    settings = CheckpointSettings.from_env(
        {
            "CHECKPOINT_DIR": str(checkpoint_dir or ""),
            "CHECKPOINT_KEY_FILE": str(key_file or ""),
            "CHECKPOINT_PUBLIC_KEYS": public_keys,
        }
    )
    try:
        return settings.open()
    except CheckpointFormatError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)


@click.group()
def audit() -> None:
    """The decision log: verify the hash chain, signed checkpoints of its head."""


@audit.command()
@database_option
@checkpoint_options
@cluster_options
def verify(
    url: str | None,
    checkpoint_dir: Path | None,
    key_file: Path | None,
    public_keys: str,
    scheduler: str | None,
    workers: int | None,
) -> None:
    """Check every record and every checkpoint: `ok`, or the first problem and where.

    With a scheduler (or --workers), the chain is verified in key ranges on the cluster.
    """
    checkpoints = _checkpoints(checkpoint_dir, key_file, public_keys)
    on_cluster = scheduler is not None or workers is not None
    with (
        storage(url) as store,
        cluster(scheduler, workers) if on_cluster else nullcontext() as on,
        tqdm(desc="verifying", unit="record", mininterval=0.5, leave=False, disable=None) as bar,
    ):

        def progress(checked: int, total: int) -> None:
            bar.total = total
            bar.update(checked - bar.n)

        result = services.verify_audit_chain(store, checkpoints, progress=progress, cluster=on)
    click.echo(str(result))
    if result.broken is not None and result.broken.checkpoint:
        click.echo(f"failed checkpoint: {result.broken.checkpoint}")
    sys.exit(0 if result.ok else 1)


@audit.command()
@database_option
@checkpoint_options
@click.option("--every", type=click.FloatRange(min=1), help="Keep writing one every N seconds.")
@click.option("--force", is_flag=True, help="Write one even if the head has not moved.")
def checkpoint(
    url: str | None,
    checkpoint_dir: Path | None,
    key_file: Path | None,
    public_keys: str,
    every: float | None,
    force: bool,
) -> None:
    """Sign the chain head and keep the checkpoint in the checkpoint directory."""
    checkpoints = _checkpoints(checkpoint_dir, key_file, public_keys)
    with storage(url) as store:
        if every is not None:
            services.keep_checkpointing(store, checkpoints, every, threading.Event())
            return
        written, new = services.write_checkpoint(store, checkpoints, force)
    click.echo(("written: " if new else "unchanged since: ") + written.name)


@audit.command()
@database_option
@checkpoint_options
def head(
    url: str | None, checkpoint_dir: Path | None, key_file: Path | None, public_keys: str
) -> None:
    """The chain head now and the latest checkpoint."""
    checkpoints = _checkpoints(checkpoint_dir, key_file, public_keys)
    with storage(url) as store:
        found = services.audit_head(store, checkpoints)
    click.echo(f"head: #{found.head.sequence} {found.head.hash}")
    latest = found.latest_checkpoint
    click.echo(f"latest: {latest.name if latest else 'no checkpoint'}")
    click.echo(f"records since: {found.since_checkpoint}")


@audit.command()
@click.argument("key_file", type=click.Path(dir_okay=False, path_type=Path))
def keygen(key_file: Path) -> None:
    """Create a signing key (mode 0600) and its public key beside it (`<name>.pub`)."""
    with reported():
        try:
            signer = new_private_key(key_file)
        except FileExistsError:
            click.echo(f"error: {key_file} exists; a key is never overwritten", err=True)
            sys.exit(2)
    public = key_file.with_name(key_file.stem + ".pub")
    public.write_text(public_pem(signer.public_key))
    click.echo(f"key id: {signer.key_id}\nprivate key: {key_file}\npublic key: {public}")
