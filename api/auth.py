"""API keys: `Authorization: Bearer <key>`, one role per key, anonymous access where allowed."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from flask import g, request

from api.errors import Forbidden, TooManyRequests, Unauthorized
from api.state import AppState, state
from eligibility import services
from eligibility.records import Role

F = TypeVar("F", bound=Callable[..., Any])
ANONYMOUS_NAME = "anonymous"
# Roles that may see (and evaluate) versions not yet published.
DRAFT_READERS: frozenset[str] = frozenset({"author", "publisher", "auditor"})


@dataclass(frozen=True)
class Principal:
    """Who is calling: an API key (id, name, role) or nobody."""

    key_id: str | None
    name: str
    role: Role | None

    @property
    def anonymous(self) -> bool:
        """True when no key was given."""
        return self.key_id is None

    @property
    def client(self) -> str:
        """The identity recorded with decisions and sessions."""
        return f"key:{self.key_id}" if self.key_id else ANONYMOUS_NAME

    @property
    def sees_drafts(self) -> bool:
        """True for roles that work on unpublished versions."""
        return self.role in DRAFT_READERS


ANONYMOUS = Principal(None, ANONYMOUS_NAME, None)


def principal() -> Principal:
    """The caller of this request (authenticated once per request)."""
    here = g._get_current_object()  # one proxy lookup, not three
    found: Principal | None = here.get("principal")
    if found is None:
        found = here.principal = _authenticate()
    return found


def _authenticate() -> Principal:
    header = request.environ.get("HTTP_AUTHORIZATION")  # request.headers' lookup, directly
    if header is None:
        return ANONYMOUS
    limiter = state().auth_limiter
    address = request.remote_addr or "unknown"
    wait = limiter.retry_after(address)
    if wait is not None:
        raise TooManyRequests(
            f"too many failed attempts to authenticate from this address; retry in {wait} s",
            wait,
        )
    token = _bearer(header)
    if token is None:
        _failed(address)
        raise Unauthorized("send the API key as 'Authorization: Bearer <key>'")
    key = services.authenticate(state().storage, token)
    if key is None:
        _failed(address)
        raise Unauthorized("the API key is unknown, revoked or expired")
    return Principal(key.id, key.name, key.role)


def _bearer(header: str) -> str | None:
    """The key of an `Authorization: Bearer <key>` header, or None if it is not one."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return None
    return token


def identify(environ: Mapping[str, Any], app: AppState) -> Principal | None:
    """The caller of a request answered outside Flask (api.fast_path), when `_authenticate`
    would accept it: None wherever it refuses (or may: an address being throttled), with
    nothing counted, so that Flask answers that request and counts what it counts."""
    header = environ.get("HTTP_AUTHORIZATION")
    if header is None:
        return ANONYMOUS
    token = _bearer(header)
    address = environ.get("REMOTE_ADDR") or "unknown"  # request.remote_addr
    if token is None or app.auth_limiter.retry_after(address) is not None:
        return None
    key = services.authenticate(app.storage, token)
    return None if key is None else Principal(key.id, key.name, key.role)


def allowed(caller: Principal, roles: tuple[Role, ...], public: bool, app: AppState) -> bool:
    """True when `check` lets this caller in (api.fast_path; `check` raises otherwise)."""
    if caller.anonymous:
        return public and app.config.anonymous_access
    return caller.role in roles


def _failed(address: str) -> None:
    """Count a failed attempt once per request (principal() may be asked again after it)."""
    if not g.get("auth_failure_counted"):
        g.auth_failure_counted = True
        state().auth_limiter.failed(address)


def require(*roles: Role, public: bool = False) -> Callable[[F], F]:
    """Allow callers with one of `roles`; with `public`, anyone when anonymous access is on."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            check(roles, public)
            return view(*args, **kwargs)

        wrapper.roles = roles  # type: ignore[attr-defined]  # read by the OpenAPI builder
        wrapper.public = public  # type: ignore[attr-defined]
        return cast(F, wrapper)

    return decorate


def check(roles: tuple[Role, ...], public: bool) -> Principal:
    """The caller, if allowed; 401 without a usable key, 403 with the wrong role.

    A key is always held to `roles`, even where anonymous callers are let in, so the
    roles the reference lists are exactly those that may call with a key.
    """
    caller = principal()
    if caller.anonymous and public and state().config.anonymous_access:
        return caller
    if caller.anonymous:
        raise Unauthorized("this endpoint needs an API key")
    if caller.role not in roles:
        wanted = " or ".join(roles)
        raise Forbidden(f"this endpoint needs the {wanted} role; the key has {caller.role}")
    return caller
