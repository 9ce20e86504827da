"""Reading a running server's API from the command line (a reviewer has a key, not the database)."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import click

from cli.common import EXIT_REFUSED, EXIT_UNAVAILABLE
from eligibility.diff import ABSENT, Change

TIMEOUT_SECONDS = 30


def server_options(command: Any) -> Any:
    """--server and --key (default $ELIGIBILITY_SERVER and $ELIGIBILITY_API_KEY)."""
    command = click.option(
        "--key",
        envvar="ELIGIBILITY_API_KEY",
        default=None,
        help="API key for --server (default $ELIGIBILITY_API_KEY); drafts need an author, "
        "publisher or auditor key.",
    )(command)
    return click.option(
        "--server",
        envvar="ELIGIBILITY_SERVER",
        default=None,
        help="Compare versions stored on this server, e.g. https://rules.example (its API).",
    )(command)


def get_json(server: str, path: str, key: str | None) -> Any:
    """GET a path of the server's API as JSON; a refusal or an outage is shown, and exits."""
    request = urllib.request.Request(server.rstrip("/") + path)
    request.add_header("Accept", "application/json")
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        click.echo(f"error: {server} answered {error.code}: {_detail(error)}", err=True)
        sys.exit(EXIT_REFUSED if error.code < 500 else EXIT_UNAVAILABLE)
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        click.echo(f"error: cannot reach {server}: {reason}", err=True)
        sys.exit(EXIT_UNAVAILABLE)


def _detail(error: urllib.error.HTTPError) -> str:
    try:
        problem = json.loads(error.read().decode("utf-8"))
    except (ValueError, OSError):
        return str(error.reason)
    return str(problem.get("detail") or problem.get("title") or error.reason)


def version_changes(
    server: str, key: str | None, ruleset: str, old: str, new: str
) -> tuple[dict[str, Any], list[Change]]:
    """The server's answer to …/versions/{new}/changes?since={old}, and its changes."""
    path = "/v1/rulesets/{}/versions/{}/changes?{}".format(
        urllib.parse.quote(ruleset, safe=""),
        urllib.parse.quote(new, safe=""),
        urllib.parse.urlencode({"since": old}),
    )
    body = get_json(server, path, key)
    changes = [
        Change(
            c["part"],
            c["id"],
            c["kind"],
            {name: (f.get("old", ABSENT), f.get("new", ABSENT)) for name, f in c["fields"].items()},
        )
        for c in body["changes"]
    ]
    return body, changes
