"""The reference front end: a guided interview built only on the service's public HTTP API.

`create_app` builds it. It calls the API with httpx: over the network at `WEB_API_URL`, or,
when the API runs in the same process (`eligibility serve`), through `httpx.WSGITransport`
to the API app, so a request still passes the API's whole HTTP stack (routing, keys, schemas,
problem+json) without a worker waiting on itself. It never imports the core.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any

import httpx
from flask import Flask, request
from werkzeug.wrappers import Response

from web import errors, security
from web.client import ApiClient
from web.config import WebConfig
from web.mount import WSGIApp, beside
from web.state import EXTENSION, WebState, choose_language

log = logging.getLogger("web")
IN_PROCESS_URL = "http://api.internal"


def create_app(
    config: WebConfig | Mapping[str, Any] | None = None, api: WSGIApp | None = None
) -> Flask:
    """Build the front end; `api` is the API's WSGI app when both run in one process.

    Without `WEB_API_URL` (or `api_url` in `config`), the API app must be given.
    """
    settings = _settings(config)
    app = Flask(__name__, static_url_path="/assets")
    app.secret_key = settings.secret_key or _ephemeral_secret()
    app.config.update(
        SESSION_COOKIE_NAME="interview",
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.cookie_secure,
    )
    app.extensions[EXTENSION] = WebState(settings, _client(settings, api))
    security.init_app(app)
    errors.init_app(app)
    app.before_request(_language_switch)
    from web import interview, removal, start  # noqa: F401  (their routes join the blueprint)
    from web.blueprint import bp

    app.register_blueprint(bp)
    return app


def _settings(config: WebConfig | Mapping[str, Any] | None) -> WebConfig:
    if isinstance(config, WebConfig):
        return config
    return WebConfig.from_env().updated(**dict(config or {}))


def _client(settings: WebConfig, api: WSGIApp | None) -> ApiClient:
    if settings.api_url:
        return ApiClient.over(settings.api_url, settings.api_key)
    if api is None:
        raise ValueError("set WEB_API_URL, or give the API app to call in-process")
    return ApiClient.over(IN_PROCESS_URL, settings.api_key, httpx.WSGITransport(app=api))


def _ephemeral_secret() -> str:
    """A secret for one process only (cookies die with it); `eligibility serve` sets one."""
    log.warning("WEB_SECRET_KEY is not set: cookies are signed with a secret of this process")
    return secrets.token_hex(32)


def _language_switch() -> Response | None:
    """`?lang=xx` on any page: remember the language, and show the same page without the query."""
    tag = request.args.get("lang")
    if request.method != "GET" or tag is None:
        return None
    choose_language(tag)
    from web.flow import redirect_to

    return redirect_to(request.path)


__all__ = ["WebConfig", "beside", "create_app"]
