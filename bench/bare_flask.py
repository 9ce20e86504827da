"""The bare-Flask baseline of the HTTP benchmark: `python -m bench.bare_flask PORT BODY_FILE CLASS`.

`POST /v1/evaluations` returns a constant JSON body (the bytes of a real evaluation
response, so both servers send the same amount) and `GET /readyz` answers "ready".
It runs under the project's own `api.server.serve` with only the app swapped, so the
gunicorn settings (workers, timeouts, access log, the start-up rule-file sync) are exactly
those of `eligibility serve`; the worker class is given (bench.http runs both servers
with the same one: gunicorn's sync worker closes every connection, gthread keeps them
alive, so two classes would not be the same server settings).
"""

from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask, Response, request


def bare_app(body: bytes) -> Flask:
    app = Flask("bare")

    @app.post("/v1/evaluations")
    def evaluations() -> Response:
        request.get_data()
        return Response(body, status=200, mimetype="application/json")

    @app.get("/readyz")
    def ready() -> Response:
        return Response(b'{"status": "ready"}', mimetype="application/json")

    return app


def main(port: int, body_file: Path, worker_class: str) -> None:
    from api import server

    body = body_file.read_bytes()

    class BareServer(server.Server):  # type: ignore[misc]
        def load(self) -> Flask:
            return bare_app(body)

    server.Server = BareServer  # type: ignore[misc]
    server.serve("127.0.0.1", port, 2, worker_class)


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
