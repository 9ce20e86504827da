"""Slow and idle clients against a real `eligibility serve` (gunicorn, two workers, gthread).

Two sync workers were taken offline by two idle connections (issue 16); with threads an
idle connection holds no thread, and a client that trickles a request is dropped after
the read timeout. Bodies past the limit are 413 also when sent chunked.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = str(Path(sys.executable).parent / "eligibility")
READ_TIMEOUT = 2.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A server with two workers (the default gthread class) and a short read timeout."""
    directory = tmp_path_factory.mktemp("slow")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{directory / 'eligibility.db'}",
        "ELIGIBILITY_RULES": str(ROOT / "tests" / "fixtures" / "fishing-licence"),
        "GUNICORN_CMD_ARGS": "--threads 6",  # read too: more than the 4 held below
    }
    subprocess.run([CLI, "db", "upgrade"], env=env, check=True, cwd=ROOT, timeout=120)
    port = _free_port()
    log = (directory / "server.log").open("wb")
    process = subprocess.Popen(
        [CLI, "serve", "--port", str(port), "--workers", "2", "--read-timeout", str(READ_TIMEOUT)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 180
        while not _healthy(port):
            assert process.poll() is None and time.monotonic() < deadline, "server not up"
            time.sleep(0.2)
        yield str(directory / "server.log"), port
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _healthy(port: int, timeout: float = 5.0) -> bool:
    try:
        url = f"http://127.0.0.1:{port}/healthz"
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def _connect(port: int, sent: bytes = b"") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    if sent:
        sock.sendall(sent)
    return sock


def test_idle_and_trickling_connections_do_not_stall_the_server(
    server: tuple[str, int],
) -> None:
    _, port = server
    idle = [_connect(port) for _ in range(2)]
    trickling = [_connect(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n") for _ in range(2)]
    try:
        slowest = 0.0
        finish = time.monotonic() + 7  # past gthread's 5 s wait for a first byte
        while time.monotonic() < finish:
            started = time.monotonic()
            assert _healthy(port, timeout=2)
            slowest = max(slowest, time.monotonic() - started)
            time.sleep(0.25)
        assert slowest < 1.0
    finally:
        for sock in idle + trickling:
            sock.close()


def test_clients_that_keep_a_closed_connection_open_do_not_stall_the_server(
    server: tuple[str, int],
) -> None:
    _, port = server
    asked = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    held = []
    try:
        slowest = 0.0
        for _ in range(12):  # answered "Connection: close", read, and never closed
            for _ in range(2):
                sock = _connect(port, asked)
                held.append(sock)
                assert _answer(sock).startswith(b"HTTP/1.1 200 ")
            started = time.monotonic()
            assert _healthy(port, timeout=3)
            slowest = max(slowest, time.monotonic() - started)
        assert slowest < 1.0
    finally:
        for sock in held:
            sock.close()


def _answer(sock: socket.socket) -> bytes:
    """One response read whole (its headers, then Content-Length bytes of body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head


def test_a_client_that_sends_no_whole_request_in_time_is_dropped(
    server: tuple[str, int],
) -> None:
    log, port = server
    sock = _connect(port, b"POST /v1/evaluations HTTP/1.1\r\nHost: x\r\n")
    started = time.monotonic()
    try:
        for _ in range(20):  # a byte now and then: each read is quick, the whole is not
            sock.sendall(b"X")
            time.sleep(0.2)
            if not sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT):
                break
    except (ConnectionResetError, BrokenPipeError, BlockingIOError):
        pass
    sock.settimeout(READ_TIMEOUT + 3)
    try:
        closed = sock.recv(1) == b""
    except ConnectionResetError:
        closed = True
    finally:
        sock.close()
    assert closed
    assert time.monotonic() - started < READ_TIMEOUT + 4
    assert "sent no whole request in 2.0s" in Path(log).read_text()


def test_a_chunked_body_over_the_limit_is_413(server: tuple[str, int]) -> None:
    _, port = server
    body = b'{"ruleset": "fishing-licence", "answers": {}, "x": "' + b"a" * (1 << 20) + b'"}'
    chunks = b"".join(
        b"%x\r\n%s\r\n" % (len(body[i : i + 65536]), body[i : i + 65536])
        for i in range(0, len(body), 65536)
    )
    head = (
        b"POST /v1/evaluations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    with _connect(port) as sock:
        sock.sendall(head + chunks + b"0\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    assert b" 413 " in status_line, answer[:300]
    assert b"application/problem+json" in rest


def test_metrics_add_up_every_worker_and_logs_are_json_lines(server: tuple[str, int]) -> None:
    log, port = server
    for n in range(12):  # spread over both workers
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/rulesets", headers={"X-Request-Id": f"e2e-{n}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["X-Request-Id"] == f"e2e-{n}"
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    wanted = 'eligibility_http_requests_total{method="GET",route="/v1/rulesets",status="200"}'
    (line,) = [line for line in text.splitlines() if line.startswith(wanted)]
    assert float(line.split()[-1]) >= 12
    assert "eligibility_chain_length 0.0" in text
    lines = [json.loads(line) for line in Path(log).read_text().splitlines() if line.strip()]
    ids = {line.get("request_id") for line in lines if line["logger"] == "api.access"}
    assert {f"e2e-{n}" for n in range(12)} <= ids
    assert any(line["logger"] == "gunicorn.error" for line in lines)
