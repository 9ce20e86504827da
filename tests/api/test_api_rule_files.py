"""One bad rule file does not take the service down; a fixed file is served without a restart."""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import FIXTURES, RULES

TYPO = "when: agee >= 65"


def copy_rules(tmp_path: Path) -> tuple[Path, Path]:
    """Fishing licence (to break) and SNAP (to keep) in a folder of their own."""
    fishing = tmp_path / "rules" / "fishing-licence"
    shutil.copytree(FIXTURES / "fishing-licence", fishing)
    shutil.copytree(RULES / "snap", tmp_path / "rules" / "snap")
    return tmp_path / "rules", fishing / "2024-01-01.yaml"


def break_file(file: Path) -> None:
    file.write_text(file.read_text().replace("when: age >= 65", TYPO))


def test_one_bad_file_leaves_the_others_served(
    make_app: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rules, broken = copy_rules(tmp_path)
    break_file(broken)
    with caplog.at_level(logging.INFO):
        client = make_app(RULES=[str(rules)]).test_client()
    assert [r["id"] for r in client.get("/v1/rulesets").get_json()["rulesets"]] == ["snap"]
    body = {"ruleset": "snap", "as_of": "2020-01-15", "answers": {"state": "UT"}}
    assert client.post("/v1/evaluations", json=body).status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200  # the service is ready: it serves the others
    (problem,) = ready.get_json()["rule_file_problems"]
    line = broken.read_text().splitlines().index(f"    {TYPO}") + 1
    assert problem["file"] == str(broken)
    assert (problem["line"], problem["path"]) == (line, "rules.is_senior.when")
    assert "unknown name 'agee'" in problem["message"] and problem["suggestion"] == "age"
    logged = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert any(f"{broken}:{line}:" in r.getMessage() for r in logged)
    assert all(r.exc_info is None and "Traceback" not in r.getMessage() for r in caplog.records)


def test_a_fixed_file_is_served_without_a_restart(make_app: Any, tmp_path: Path) -> None:
    rules, broken = copy_rules(tmp_path)
    text = broken.read_text()
    break_file(broken)
    client = make_app(RULES=[str(rules)], RULES_WATCH_SECONDS=0.01).test_client()
    assert client.get("/readyz").get_json()["rule_file_problems"]
    broken.write_text(text)
    time.sleep(0.05)
    ready = client.get("/readyz").get_json()
    assert ready["rule_file_problems"] == []
    ids = [r["id"] for r in client.get("/v1/rulesets").get_json()["rulesets"]]
    assert ids == ["fishing-licence", "snap"]
    body = {"ruleset": "fishing-licence", "as_of": "2024-03-01", "answers": {"age": 70}}
    assert client.post("/v1/evaluations", json=body).status_code == 200


def test_a_new_file_with_a_mistake_is_reported_and_the_rest_kept(
    make_app: Any, tmp_path: Path
) -> None:
    rules, _ = copy_rules(tmp_path)
    client = make_app(RULES=[str(rules)], RULES_WATCH_SECONDS=0.01).test_client()
    added = rules / "snap" / "2020-10-01.yaml"
    added.write_text('ruleset: snap\nversion: "2020-10-01"\nquestions: {a: [}\n')
    time.sleep(0.05)
    (problem,) = client.get("/readyz").get_json()["rule_file_problems"]
    assert problem["file"] == str(added) and problem["line"] == 3
    versions = client.get("/v1/rulesets/snap").get_json()["versions"]
    found = [v["version"] for v in versions]
    assert found == ["2019-10-01", "2019-10-01.1", "2020-03-01", "2020-03-01.1"]


def test_a_changed_published_file_is_refused_and_the_stored_version_kept(
    make_app: Any, tmp_path: Path
) -> None:
    rules, file = copy_rules(tmp_path)
    client = make_app(RULES=[str(rules)], RULES_WATCH_SECONDS=0.01).test_client()
    before = client.get("/v1/rulesets/fishing-licence").get_json()["versions"][0]
    file.write_text(file.read_text().replace("value: 1200.00", "value: 1300.00"))
    time.sleep(0.05)
    (problem,) = client.get("/readyz").get_json()["rule_file_problems"]
    assert problem["file"] == str(file)
    assert "a published version never changes" in problem["message"]
    assert before["content_hash"] in problem["message"]
    after = client.get("/v1/rulesets/fishing-licence").get_json()["versions"][0]
    assert after["content_hash"] == before["content_hash"]


def test_watching_can_be_turned_off(make_app: Any, tmp_path: Path) -> None:
    rules, broken = copy_rules(tmp_path)
    client = make_app(RULES=[str(rules)], RULES_WATCH_SECONDS=0).test_client()
    break_file(broken)
    time.sleep(0.02)
    assert client.get("/readyz").get_json()["rule_file_problems"] == []
