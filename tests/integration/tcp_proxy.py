"""A small TCP proxy the tests cut, stop, silence and restore, to take the database away.

Faults, as a client of the database sees them:
- `refuse()`: the port is closed (connection refused) and open connections are reset;
- `cut()` / `stop()`: open connections are closed and new ones closed at once (a stopped server);
- `drop()`: everything goes silent, nothing is closed (a partition); `restore()` heals it;
- `freeze()`: the connections open now go silent for good, closes included (their route is
  gone), while new connections work: a partition that strands one transaction.
"""

from __future__ import annotations

import errno
import socket
import struct
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Flow:
    """One proxied connection: the client's socket, the server's, and whether it is stranded."""

    ends: tuple[socket.socket, ...]
    frozen: bool = False
    closed: bool = field(default=False)


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target, with faults on demand (see the module)."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.listener: socket.socket | None = self._listen(0)
        self.port: int = self.listener.getsockname()[1]
        self.mode = "up"  # up | stop | drop | refuse
        self.closed = False
        self.lock = threading.Lock()
        self.flowing = threading.Event()
        self.flowing.set()
        self.flows: list[Flow] = []
        self.held: list[socket.socket] = []  # accepted while silent: never answered
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @staticmethod
    def _listen(port: int) -> socket.socket:
        # A listener closed while the accept thread waits on it stays bound until that
        # wait ends (≤ 0.05 s): restoring the port at once may find it still taken.
        for _ in range(40):
            try:
                listener = socket.create_server(("127.0.0.1", port))
                break
            except OSError as error:
                if error.errno != errno.EADDRINUSE:
                    raise
                time.sleep(0.025)
        else:
            listener = socket.create_server(("127.0.0.1", port))
        listener.settimeout(0.05)
        return listener

    def _accept(self) -> None:
        while not self.closed:
            listener = self.listener
            if listener is None:
                self.flowing.wait(0.05)
                continue
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            self._take(client)

    def _take(self, client: socket.socket) -> None:
        if self.mode == "stop":
            _close(client)
        elif self.mode == "drop":
            with self.lock:
                self.held.append(client)
        else:
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                _close(client)
                return
            flow = Flow((client, upstream))
            with self.lock:
                self.flows.append(flow)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(flow, source, sink), daemon=True).start()

    def _pump(self, flow: Flow, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                self.flowing.wait()
                if not flow.frozen:
                    sink.sendall(data)
        except OSError:
            pass
        self.flowing.wait()
        if not flow.frozen:  # a stranded flow's close never arrives either
            for end in flow.ends:
                _close(end)

    def _open_flows(self) -> list[Flow]:
        with self.lock:
            flows, self.flows = self.flows, []
        return flows

    def cut(self) -> None:
        """Close every open connection and close new ones at once (the database stopped)."""
        self.mode = "stop"
        for flow in self._open_flows():
            for end in flow.ends:
                _close(end)

    stop = cut

    def refuse(self) -> None:
        """Refuse new connections (the port is closed) and reset the open ones."""
        self.mode = "refuse"
        listener, self.listener = self.listener, None
        if listener is not None:
            listener.close()
        for flow in self._open_flows():
            for end in flow.ends:
                _reset(end)

    def drop(self) -> None:
        """Silence everything: no byte and no close gets through, new connections hang."""
        self.mode = "drop"
        self.flowing.clear()

    def freeze(self) -> None:
        """Strand the connections open now (silent for good); new ones work."""
        with self.lock:
            for flow in self.flows:
                flow.frozen = True

    def restore(self) -> None:
        """The database is back (stranded connections stay stranded)."""
        if self.listener is None:
            self.listener = self._listen(self.port)
        with self.lock:
            held, self.held = self.held, []
        for client in held:
            _close(client)
        self.mode = "up"
        self.flowing.set()

    def close(self) -> None:
        """Stop the proxy and close every socket."""
        self.closed = True
        self.flowing.set()
        with self.lock:
            flows, self.flows, held, self.held = self.flows, [], self.held, []
        for flow in flows:
            flow.frozen = False
            for end in flow.ends:
                _close(end)
        for client in held:
            _close(client)
        self.thread.join()
        if self.listener is not None:
            self.listener.close()


def _close(end: socket.socket) -> None:
    try:
        end.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    end.close()


def _reset(end: socket.socket) -> None:
    try:  # linger 0: close sends RST
        end.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    end.close()
