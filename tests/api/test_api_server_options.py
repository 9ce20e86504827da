"""`eligibility serve` options: the worker class and threads, and GUNICORN_CMD_ARGS on top."""

from __future__ import annotations

import pytest

from api.server import Server


def test_gunicorn_cmd_args_win_over_the_options(monkeypatch: pytest.MonkeyPatch) -> None:
    options = {"worker_class": "api.workers.TimedThreadWorker", "threads": 8, "keepalive": 2}
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    plain = Server(dict(options)).cfg
    assert (plain.threads, plain.keepalive) == (8, 2)
    assert plain.worker_class_str == "api.workers.TimedThreadWorker"
    monkeypatch.setenv("GUNICORN_CMD_ARGS", "--threads 3 --keep-alive 7 --timeout 30")
    cfg = Server(dict(options)).cfg
    assert (cfg.threads, cfg.keepalive, cfg.timeout) == (3, 7, 30)
    assert cfg.worker_class_str == "api.workers.TimedThreadWorker"
