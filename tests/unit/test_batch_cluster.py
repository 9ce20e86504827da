"""The dashboard of a local cluster: its port, or any free one when that is taken."""

from __future__ import annotations

import socket

from eligibility.batch.local_cluster import _free_dashboard


def test_a_taken_dashboard_port_becomes_any_free_port() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("0.0.0.0", 0))
        holder.listen()
        port = holder.getsockname()[1]
        assert _free_dashboard(f":{port}") == ":0"
        assert _free_dashboard(f"127.0.0.1:{port}") == "127.0.0.1:0"
    assert _free_dashboard(f":{port}") == f":{port}"  # free again once closed
    assert _free_dashboard(None) is None and _free_dashboard(":0") == ":0"
