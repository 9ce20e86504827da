"""`eligibility serve` gives the bundled front end a client key and a cookie secret of its own."""

from __future__ import annotations

import stat
from pathlib import Path

from api.frontend import KEY_FILE, SECRET_FILE, bundled_key, create_site, web_settings
from eligibility import services
from eligibility.storage import memory_storage
from tests.api.conftest import FISHING


def test_a_client_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    store = memory_storage()
    settings = web_settings(store, tmp_path, {})
    assert settings.api_key and settings.secret_key
    key = services.authenticate(store, settings.api_key)
    assert key is not None and key.role == "client" and key.name == "bundled web front end"
    for name in (KEY_FILE, SECRET_FILE):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    again = web_settings(store, tmp_path, {})
    assert (again.api_key, again.secret_key) == (settings.api_key, settings.secret_key)
    assert len(services.list_keys(store)) == 1


def test_a_revoked_or_foreign_key_is_replaced(tmp_path: Path) -> None:
    store = memory_storage()
    first = bundled_key(store, tmp_path / KEY_FILE)
    services.revoke_key(store, services.authenticate(store, first).id)  # type: ignore[union-attr]
    second = bundled_key(store, tmp_path / KEY_FILE)
    assert second != first and services.authenticate(store, second) is not None
    author, _ = services.create_key(store, "author", "someone")
    (tmp_path / KEY_FILE).write_text(author)
    assert bundled_key(store, tmp_path / KEY_FILE) not in (author, second)


def test_the_operators_settings_win(tmp_path: Path) -> None:
    store = memory_storage()
    given = web_settings(store, tmp_path, {"WEB_API_KEY": "elig_given", "WEB_SECRET_KEY": "s3"})
    assert (given.api_key, given.secret_key) == ("elig_given", "s3")
    remote = web_settings(store, tmp_path, {"WEB_API_URL": "https://api.example.org"})
    assert remote.api_key is None and remote.api_url == "https://api.example.org"
    assert services.list_keys(store) == []


def test_one_app_serves_both(tmp_path: Path) -> None:
    from werkzeug.test import Client

    from api import Config

    store = memory_storage()
    config = Config(rules=(FISHING,), extra={"STORAGE": store})
    site = Client(create_site(config, web_settings(store, tmp_path, {})))
    assert site.get("/v1/rulesets").json["rulesets"][0]["id"] == "fishing-licence"  # type: ignore[index]
    assert "fishing" in site.get("/").get_data(as_text=True).lower()
