"""The operator commands against a real database: keys, refusals and an unreachable database."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from click.testing import CliRunner

from cli import main
from eligibility import services
from eligibility.ports import Storage
from eligibility.storage.sql import SqlStorage

from .helpers import FISHING


def test_keys_create_list_revoke(migrated_url: str, store: Storage) -> None:
    runner = CliRunner()
    url = ["--database-url", migrated_url]
    created = runner.invoke(main, ["keys", "create", "--role", "auditor", "--name", "audit", *url])
    assert created.exit_code == 0, created.output
    secret = next(line for line in created.output.splitlines() if line.startswith("secret:"))
    key = services.authenticate(store, secret.split()[1])
    assert key is not None and key.role == "auditor"
    listed = runner.invoke(main, ["keys", "list", *url])
    assert key.id in listed.output and "active" in listed.output and "1 key(s)" in listed.output
    revoked = runner.invoke(main, ["keys", "revoke", key.id, *url])
    assert revoked.exit_code == 0
    fresh = SqlStorage(migrated_url)  # another process: refused at once
    assert services.authenticate(fresh, secret.split()[1]) is None
    fresh.close()
    cache = store.keys.cache  # type: ignore[attr-defined]
    seen_at = cache.clock()
    cache.clock = lambda: seen_at + cache.seconds  # this process: once its cache time is up
    assert services.authenticate(store, secret.split()[1]) is None
    assert "revoked" in runner.invoke(main, ["keys", "list", *url]).output
    unknown = runner.invoke(main, ["keys", "create", "--role", "root", "--name", "x", *url])
    assert unknown.exit_code == 2


def test_publish_refuses_failing_scenarios_and_shows_them(
    migrated_url: str, store: Storage, tmp_path: Path
) -> None:
    folder = tmp_path / "fishing-licence"
    shutil.copytree(FISHING, folder)
    file = folder / "2024-01-01.yaml"
    file.write_text(file.read_text().replace('reduction: "20"', 'reduction: "25"'))
    result = CliRunner().invoke(
        main, ["rules", "publish", str(folder), "--database-url", migrated_url]
    )
    assert result.exit_code == 2
    assert "1 scenario(s) failed" in result.output
    assert "reduction: expected 25, got 20" in result.output
    assert services.get_version(store, "fishing-licence", "2024-01-01").status == "draft"


def test_publish_reports_rule_file_problems(migrated_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "fishing-licence"
    shutil.copytree(FISHING, folder)
    file = folder / "2024-01-01.yaml"
    file.write_text(file.read_text().replace("when: age >= 65", "when: agee >= 65"))
    result = CliRunner().invoke(
        main, ["rules", "publish", str(folder), "--database-url", migrated_url]
    )
    assert result.exit_code == 2 and "did you mean 'age'" in result.output


def test_an_unreachable_database_is_reported_with_its_own_exit_code() -> None:
    url = "postgresql://postgres@127.0.0.1:1/nowhere"
    result = CliRunner().invoke(main, ["audit", "verify", "--database-url", url])
    assert result.exit_code == 3
    assert "database is unavailable" in result.output
    upgrade = CliRunner().invoke(main, ["db", "upgrade", "--database-url", url])
    assert upgrade.exit_code == 3


def test_keys_expire_when_created_with_expires(migrated_url: str, store: Storage) -> None:
    runner = CliRunner()
    url = ["--database-url", migrated_url]
    created = runner.invoke(
        main, ["keys", "create", "--role", "client", "--name", "kiosk", "--expires", "2h", *url]
    )
    assert created.exit_code == 0, created.output
    assert "expires: " in created.output
    secret = next(line for line in created.output.splitlines() if line.startswith("secret:"))
    key = services.authenticate(store, secret.split()[1])
    assert key is not None and key.expires_at is not None
    left = key.expires_at - dt.datetime.now(dt.UTC)
    assert dt.timedelta(hours=1, minutes=59) < left <= dt.timedelta(hours=2)
    assert "active, expires" in runner.invoke(main, ["keys", "list", *url]).output
    past = runner.invoke(
        main, ["keys", "create", "--role", "client", "--name", "x", "--expires", "2020-01-01", *url]
    )
    assert past.exit_code == 2 and "future" in past.output
    bad = runner.invoke(
        main, ["keys", "create", "--role", "client", "--name", "x", "--expires", "soon", *url]
    )
    assert bad.exit_code == 2 and "90d" in bad.output
