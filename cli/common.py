"""What every command shares: loading rule files, opening storage, reporting core errors."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from eligibility.catalogue import Catalogue, compiled
from eligibility.errors import (
    CoverageIncomplete,
    EligibilityError,
    RuleSetError,
    ScenariosFailed,
    StorageUnavailable,
    unique,
)
from eligibility.loader import load_each
from eligibility.ports import Storage
from eligibility.storage import open_storage

DEFAULT_RULES = os.environ.get("ELIGIBILITY_RULES", "rules")
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


def engine_option(command: F) -> F:
    """The --engine option (default $ELIGIBILITY_ENGINE, the server's setting, else durable)."""
    return click.option(
        "--engine",
        type=click.Choice(["durable", "pure"]),
        envvar="ELIGIBILITY_ENGINE",
        default="durable",
        show_default=True,
        help="The rule engine that decides the goals (same results); default $ELIGIBILITY_ENGINE.",
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
    except CoverageIncomplete as error:
        click.echo(f"error: {error}", err=True)
        for outcome in error.missed:
            click.echo(f"  {outcome}", err=True)
        sys.exit(EXIT_REFUSED)
    except ScenariosFailed as error:
        click.echo(f"error: {error}", err=True)
        for failure in error.failures:
            for m in failure.mismatches:
                click.echo(
                    f"  {failure.name}: {m.what}: expected {m.expected}, got {m.actual}", err=True
                )
            for line in (failure.error or "").splitlines():
                click.echo(f"  {failure.name}: {line}", err=True)
        sys.exit(EXIT_REFUSED)
    except EligibilityError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_REFUSED)


def _load(paths: tuple[Path, ...]) -> Catalogue:
    """Load and compile every version (drafts too), or print every problem and exit 1."""
    rulesets, problems = load_each(list(paths))
    for ruleset in rulesets:  # compile each, so one bad file does not hide another's problems
        try:
            compiled(ruleset)
        except RuleSetError as error:
            problems.extend(error.problems)
    try:
        if not problems:
            return Catalogue.of(rulesets)
    except RuleSetError as error:
        problems = error.problems
    problems = unique(problems)  # a version extending a broken one repeats its problems
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(problems)} problem(s) found", err=True)
    sys.exit(1)
