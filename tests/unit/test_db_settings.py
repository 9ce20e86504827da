"""Database timeouts: settings from the environment, libpq arguments, the deadline watchdog."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from eligibility.storage.sql import deadline
from eligibility.storage.sql.settings import DatabaseSettings


def test_defaults_give_a_two_second_budget_and_server_timeouts() -> None:
    args = DatabaseSettings().connect_args()
    assert args["options"] == (
        "-c statement_timeout=2000 -c lock_timeout=2000 "
        "-c idle_in_transaction_session_timeout=3000"
    )
    assert args["connect_timeout"] == 2 and args["keepalives"] == 1
    assert args["tcp_user_timeout"] == 5000 and args["keepalives_count"] == 3


def test_settings_from_the_environment() -> None:
    env = {"DB_TIMEOUT_SECONDS": "1.5", "DB_KEEPALIVES_COUNT": "5", "DB_POOL_TIMEOUT_SECONDS": ""}
    chosen = DatabaseSettings.from_env(env)
    assert chosen.timeout_seconds == 1.5 and chosen.keepalives_count == 5
    assert chosen.pool_timeout_seconds == DatabaseSettings().pool_timeout_seconds
    with pytest.raises(ValueError, match="DB_TIMEOUT_SECONDS"):
        DatabaseSettings.from_env({"DB_TIMEOUT_SECONDS": "-1"})
    assert "statement_timeout=0" in DatabaseSettings.unlimited().server_options()


def test_the_watchdog_shuts_a_socket_that_outlives_its_transaction() -> None:
    left, right = socket.socketpair()
    got: list[bytes] = []
    with deadline.request_deadline(0.1), deadline.transaction(5) as current:
        deadline.watch(left, lambda s: deadline.shut_socket(s.fileno()))
        reader = threading.Thread(target=lambda: got.append(left.recv(10)))
        started = time.monotonic()
        reader.start()
        reader.join(2)
    assert got == [b""] and current.expired  # woken by the shutdown, cut by the request
    assert time.monotonic() - started < 1
    left.close()
    right.close()


def test_a_transaction_that_ends_in_time_is_left_alone() -> None:
    left, right = socket.socketpair()
    with deadline.transaction(0.05) as current:
        deadline.watch(left, lambda s: deadline.shut_socket(s.fileno()))
    time.sleep(0.15)
    right.sendall(b"x")
    assert left.recv(1) == b"x" and not current.expired
    left.close()
    right.close()
