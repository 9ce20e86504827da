"""The endpoints api.fast_path answers in front of Flask: each does its view's work.

Each reads its view's declarations once (`@require`'s roles, `@operation`'s schemas and
headers) and does the view's work with the view's own functions (`api.evaluations`,
`api.decisions`); api.fast_path does the rest of the request (see its docstring).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import MapAdapter

from api.auth import Principal
from api.decision_body import decision_body
from api.decisions import decision_headers, idempotency_key, recorded_decision
from api.evaluations import evaluated
from api.jsonio import load, load_query, parse_bytes
from api.parameters import environ_key
from api.state import AppState
from eligibility.services import Recorded

Answer = tuple[int, list[tuple[str, str]], Any, str]  # status, headers, document, language


class Route:
    """One endpoint the fast path answers: its view's declarations, read once."""

    endpoint: str
    path: str
    records = False  # True: its answer records something (never to be made twice)

    def __init__(self, app: Flask) -> None:
        view: Any = app.view_functions[self.endpoint]
        self.roles, self.public = view.roles, view.public  # @require's
        contract = view.openapi  # @operation's
        self.query = contract.schema(contract.query) if contract.query is not None else None
        self.body = contract.schema(contract.body)
        names = [h["name"] for h in contract.headers_in] + ["Accept-Language"]
        self.headers = tuple(environ_key(n) for n in names)

    def usable(self, app: Flask, environ: dict[str, Any]) -> bool:
        """False where Flask's answer could differ: hosts checked or named in the config
        (a URL adapter refusing the host, or writing `Location` with it), URL defaults, a
        mount point that is not ASCII (werkzeug decodes it first)."""
        config = app.config
        return (
            config.get("SERVER_NAME") is None
            and config.get("TRUSTED_HOSTS") is None
            and not app.url_map.host_matching
            and not app.subdomain_matching
            and not app.url_default_functions
            and environ.get("SCRIPT_NAME", "").isascii()
        )

    def work(self, environ: dict[str, Any], data: bytes, caller: Principal, app: AppState) -> Any:
        """The view's work on the request's body (what `records` says it may record)."""
        raise NotImplementedError

    def reply(self, environ: dict[str, Any], done: Any) -> Answer:
        """The view's status, headers (after Content-Length), document and language."""
        raise NotImplementedError


class Evaluations(Route):
    endpoint, path = "evaluations.create_evaluation", "/v1/evaluations"

    def work(
        self, environ: dict[str, Any], data: bytes, caller: Principal, app: AppState
    ) -> tuple[dict[str, Any], str]:
        query = _query(self.query, environ.get("QUERY_STRING", ""))
        body = load(self.body, parse_bytes(data))
        return evaluated(body, query, caller, app, environ)

    def reply(self, environ: dict[str, Any], done: tuple[dict[str, Any], str]) -> Answer:
        document, locale = done
        return 200, [], document, locale


class Decisions(Route):
    endpoint, path = "decisions.create_decision", "/v1/decisions"
    records = True

    def __init__(self, app: Flask) -> None:
        super().__init__(app)
        self.url_map = app.url_map
        self.builders: dict[str, MapAdapter] = {}  # by SCRIPT_NAME: Location's path

    def work(
        self, environ: dict[str, Any], data: bytes, caller: Principal, app: AppState
    ) -> Recorded:
        body = load(self.body, parse_bytes(data))
        key = idempotency_key(environ.get("HTTP_IDEMPOTENCY_KEY"))
        return recorded_decision(body, caller, key, app, environ)

    def reply(self, environ: dict[str, Any], done: Recorded) -> Answer:
        decision = done.decision
        status, headers = decision_headers(done, self._location(environ, decision.id))
        return status, headers, decision_body(decision), decision.locale

    def _location(self, environ: dict[str, Any], decision_id: str) -> str:
        """Where a decision is read, as `url_for` writes it in this request (a path)."""
        script = environ.get("SCRIPT_NAME", "")
        builder = self.builders.get(script)
        if builder is None:
            if len(self.builders) > 16:  # one mount point in practice; never unbounded
                self.builders.clear()
            builder = self.builders[script] = self.url_map.bind("localhost", script)
        return builder.build("decisions.get_decision", {"decision_id": decision_id})


def _query(schema: Any, given: str) -> dict[str, Any]:
    """The query loaded as api.jsonio.query loads it (`args.to_dict()`: a name's first value;
    api.fast_path's `_QUERY` let through no escapes, `+` or control characters: these are
    the texts)."""
    found: dict[str, str] = {}
    for pair in given.split("&") if given else ():
        name, _, value = pair.partition("=")
        found.setdefault(name, value)
    loaded: dict[str, Any] = load_query(schema, found)
    return loaded
