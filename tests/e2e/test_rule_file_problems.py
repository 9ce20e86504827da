"""`eligibility serve` with a typo in one rule file: it starts, serves the rest, says where."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from tests.e2e.test_api_server import CLI, ROOT, _call, _free_port

TYPO = "when: agee >= 65"


def _wait(base: str, ready: bool = True, seconds: float = 60) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, body = _call(base + "/readyz")
            if status == 200 and (ready or not body["rule_file_problems"]):
                return body  # type: ignore[no-any-return]
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("the server did not become ready")


def test_serve_starts_with_a_broken_file_and_picks_up_the_fix(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules" / "snap", rules / "snap")
    shutil.copytree(ROOT / "tests" / "fixtures" / "fishing-licence", rules / "fishing-licence")
    file = rules / "fishing-licence" / "2024-01-01.yaml"
    good = file.read_text()
    file.write_text(good.replace("when: age >= 65", TYPO))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'eligibility.db'}",
        "ELIGIBILITY_RULES": str(rules),
        "RULES_WATCH_SECONDS": "0.2",
    }
    subprocess.run([*CLI, "db", "upgrade"], env=env, check=True, cwd=ROOT, timeout=120)
    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [*CLI, "serve", "--port", str(port), "--workers", "1"],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        ready = _wait(base)
        (problem,) = ready["rule_file_problems"]  # type: ignore[misc]
        assert problem["file"] == str(file) and "unknown name 'agee'" in problem["message"]
        assert _call(base + "/v1/rulesets/snap")[0] == 200
        assert _call(base + "/v1/rulesets/fishing-licence")[0] == 404
        file.write_text(good)
        _wait(base, ready=False)  # no restart: the fix is seen by the running worker
        assert _call(base + "/v1/rulesets/fishing-licence")[0] == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
    text = log.read_text()
    assert f"{file}:" in text and "unknown name 'agee'" in text
    assert "Traceback" not in text
