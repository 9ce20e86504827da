"""The bundled front end beside the API: its client key and cookie secret, and one app of both.

`eligibility serve` runs the reference front end (package `web`) at `/`. The front end calls
the API like any client, so it needs a `client` key: WEB_API_KEY if the operator set one, else
a key made for it once and kept in the instance folder (so resume links survive a restart).
Its cookies are signed with WEB_SECRET_KEY, else a secret kept there too. Both are worked out
before gunicorn forks, so every worker uses the same ones.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from api.config import Config
from eligibility import services
from eligibility.errors import StorageUnavailable
from eligibility.ports import Storage
from eligibility.storage import open_storage
from web import WebConfig, beside
from web import create_app as create_web
from web.mount import WSGIApp

BUNDLED_KEY_NAME = "bundled web front end"
KEY_FILE, SECRET_FILE = "web-api-key", "web-secret-key"
log = logging.getLogger("api.frontend")


def instance_folder(environ: Mapping[str, str] | None = None) -> Path:
    """Where the front end's key and secret are kept: $ELIGIBILITY_INSTANCE, else instance/."""
    env = os.environ if environ is None else environ
    return Path(env.get("ELIGIBILITY_INSTANCE") or "instance")


def web_settings(
    store: Storage, folder: Path, environ: Mapping[str, str] | None = None
) -> WebConfig:
    """The front end's settings from the environment, its key and secret filled in if unset."""
    settings = WebConfig.from_env(environ)
    if settings.secret_key is None:
        settings = settings.updated(secret_key=_remembered(folder / SECRET_FILE))
    if settings.api_key is None and settings.api_url is None:
        settings = settings.updated(api_key=bundled_key(store, folder / KEY_FILE))
    return settings


def bundled_key(store: Storage, path: Path) -> str:
    """The front end's client key: the one kept at `path` while it works, else a new one."""
    if path.exists():
        token = path.read_text(encoding="utf-8").strip()
        key = services.authenticate(store, token)
        if key is not None and key.role == "client":
            return token
    token, _ = services.create_key(store, "client", BUNDLED_KEY_NAME)
    _write_private(path, token)
    return token


def _remembered(path: Path) -> str:
    """A random secret kept at `path` (made on first use)."""
    if path.exists() and path.read_text(encoding="utf-8").strip():
        return path.read_text(encoding="utf-8").strip()
    secret = secrets.token_hex(32)
    _write_private(path, secret)
    return secret


def _write_private(path: Path, text: str) -> None:
    """Write a secret readable only by its owner."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")


def provision(settings: Config) -> WebConfig:
    """The front end's settings for `eligibility serve` (opens the database once, to make a key)."""
    store = open_storage(settings.database_url)
    try:
        return web_settings(store, instance_folder())
    except StorageUnavailable:
        log.warning("storage unavailable: the front end has no API key until the next start")
        return WebConfig.from_env()
    finally:
        store.close()


def create_site(config: Config | None = None, web: WebConfig | None = None) -> WSGIApp:
    """The API and the front end as one WSGI app: the API's paths to it, the rest to the front end.

    The front end reaches this very API in-process (httpx's WSGITransport), unless WEB_API_URL
    names another one.
    """
    from api import create_app

    api = create_app(config)
    return beside(api, create_web(web, api=api))
