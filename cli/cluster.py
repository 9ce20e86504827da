"""Options and helpers of the commands that run on a Dask cluster (replay, batch)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from eligibility.batch.cluster import SCHEDULER_ENV, Cluster, connected

F = TypeVar("F", bound=Callable[..., Any])


def cluster_options(command: F) -> F:
    """--scheduler (default $DASK_SCHEDULER_ADDRESS) and --workers (of a local cluster)."""
    command = click.option(
        "--workers",
        type=click.IntRange(1, 256),
        default=None,
        help="Workers of the local cluster (default: one per core).",
    )(command)
    return click.option(
        "--scheduler",
        envvar=SCHEDULER_ENV,
        default=None,
        help=f"A Dask scheduler's address (default ${SCHEDULER_ENV}); else a LocalCluster.",
    )(command)


@contextmanager
def cluster(scheduler: str | None, workers: int | None) -> Iterator[Cluster]:
    """The cluster to run on; a local one announces its dashboard on stderr and stops after."""
    with connected(scheduler, workers, lambda text: click.echo(text, err=True)) as found:
        yield found


class Interrupt:
    """Ctrl-C asks the run to stop (a partial report follows); a second Ctrl-C aborts."""

    def __init__(self) -> None:
        self.asked = threading.Event()

    def __call__(self) -> bool:
        return self.asked.is_set()

    @contextmanager
    def installed(self) -> Iterator[Interrupt]:
        """While the run goes on (only in the main thread: elsewhere, nothing is installed)."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        before = signal.getsignal(signal.SIGINT)

        def handler(signum: int, frame: Any) -> None:
            if self.asked.is_set():
                raise KeyboardInterrupt
            self.asked.set()
            click.echo("\nstopping: the partitions under way are cancelled …", err=True)

        signal.signal(signal.SIGINT, handler)
        try:
            yield self
        finally:
            signal.signal(signal.SIGINT, before)
