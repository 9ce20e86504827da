"""The front end's only door to the service: the public HTTP API, called with httpx."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import httpx

Json = dict[str, Any]
TIMEOUT = httpx.Timeout(10.0)
GONE = {"session-expired", "not-found"}


class ApiProblem(Exception):
    """An `application/problem+json` answer of the API, with its per-field `errors`."""

    def __init__(self, status: int, body: Mapping[str, Any]) -> None:
        self.status = status
        self.type = str(body.get("type", "")).rsplit("/", 1)[-1]
        self.title = str(body.get("title", ""))
        self.detail = str(body.get("detail", ""))
        raw = body.get("errors")
        self.errors: dict[str, list[str]] = (
            {str(k): [str(m) for m in v] for k, v in raw.items()} if isinstance(raw, dict) else {}
        )
        super().__init__(f"{status} {self.type}: {self.detail or self.title}")


class SessionGone(ApiProblem):
    """The interview session expired (or never belonged to this front end)."""


class ApiClient:
    """Typed calls of the endpoints the interview needs (sessions, evaluations, rule sets)."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http
        self._versions: dict[tuple[str, str], Json] = {}
        self._schemas: dict[tuple[str, str, str], Json] = {}
        self._lock = threading.Lock()

    @classmethod
    def over(
        cls, base_url: str, api_key: str | None, transport: httpx.BaseTransport | None = None
    ) -> ApiClient:
        """A client of the API at `base_url` (or behind `transport`), sending the key if any."""
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        return cls(
            httpx.Client(base_url=base_url, headers=headers, transport=transport, timeout=TIMEOUT)
        )

    def rulesets(self) -> list[Json]:
        """Every rule set with its versions."""
        found: list[Json] = self._call("GET", "/v1/rulesets")["rulesets"]
        return found

    def ruleset(self, ruleset: str) -> Json:
        """One rule set and its versions."""
        return self._call("GET", f"/v1/rulesets/{ruleset}")

    def version(self, ruleset: str, version: str) -> Json:
        """A version in full (cached: a published version never changes)."""
        key = (ruleset, version)
        with self._lock:
            if key in self._versions:
                return self._versions[key]
        found = self._call("GET", f"/v1/rulesets/{ruleset}/versions/{version}")
        with self._lock:
            if len(self._versions) > 64:
                self._versions.clear()
            self._versions[key] = found
        return found

    def questions(self, ruleset: str, version: str, locale: str) -> Json:
        """The JSON Schema of a version's answers in `locale` (cached like the version)."""
        key = (ruleset, version, locale)
        with self._lock:
            if key in self._schemas:
                return self._schemas[key]
        path = f"/v1/rulesets/{ruleset}/versions/{version}/questions"
        found = self._call("GET", path, params=_locale(locale))
        with self._lock:
            if len(self._schemas) > 64:
                self._schemas.clear()
            self._schemas[key] = found
        return found

    def evaluate(self, ruleset: str, version: str, answers: Json, locale: str) -> Json:
        """A stateless evaluation of `answers` under one version."""
        body = {"ruleset": ruleset, "version": version, "answers": answers, "locale": locale}
        return self._call("POST", "/v1/evaluations", json=body)

    def create_session(
        self, ruleset: str, as_of: str, locale: str, answers: Json | None = None
    ) -> Json:
        """Start an interview pinned to the version covering `as_of` (with answers, if any)."""
        body = {"ruleset": ruleset, "as_of": as_of, "locale": locale, "answers": answers or {}}
        return self._call("POST", "/v1/sessions", json=body)

    def session(self, session_id: str, locale: str | None) -> Json:
        """The session's answers, goals and next questions."""
        return self._call("GET", f"/v1/sessions/{session_id}", params=_locale(locale))

    def answer(self, session_id: str, patch: Json, locale: str | None) -> Json:
        """Merge answers into the session (a JSON merge patch: null removes one)."""
        path = f"/v1/sessions/{session_id}/answers"
        return self._call("PATCH", path, json=patch, params=_locale(locale))

    def _call(self, method: str, path: str, **options: Any) -> Json:
        response = self.http.request(method, path, **options)
        body = response.json() if response.content else {}
        if response.is_success:
            return body if isinstance(body, dict) else {"items": body}
        problem = body if isinstance(body, dict) else {}
        if path.startswith("/v1/sessions/") and response.status_code == 404:
            raise SessionGone(404, problem)
        raise ApiProblem(response.status_code, problem)

    def close(self) -> None:
        """Close the connections."""
        self.http.close()


def _locale(locale: str | None) -> dict[str, str]:
    return {"locale": locale} if locale else {}
