"""The `eligibility` command: tools for rule authors, publishers, operators and auditors.

It sits outside the core: it calls `eligibility` (and `api.server` for `serve`), and
nothing in the core imports it.
"""

from __future__ import annotations

import click

from cli import (
    admin,
    audit,
    batch,
    corrections,
    diffing,
    explaining,
    publishing,
    replay,
    serve,
)
from cli.rules import rules


@click.group()
def main() -> None:
    """Rules-as-code eligibility service."""


rules.add_command(explaining.explain)
rules.add_command(diffing.diff)
rules.add_command(publishing.publish)
rules.add_command(publishing.retire)
rules.add_command(corrections.correction_impact)
main.add_command(rules)
main.add_command(admin.db)
main.add_command(admin.keys)
main.add_command(audit.audit)
main.add_command(replay.replay)
main.add_command(batch.batch)
main.add_command(batch.assess_command)  # `eligibility assess …` = `eligibility batch assess …`
main.add_command(serve.serve)

__all__ = ["main"]
