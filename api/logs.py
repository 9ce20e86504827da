"""Structured logs: one JSON object a line, with the request id; never answers or keys.

Each request gets an id: the caller's `X-Request-Id` when it is a short token, else a
new one; it is sent back in `X-Request-Id` and written with every line logged while the
request runs. One line per request (logger `api.access`) gives method, route template,
path, status and duration: no query string, no body, no header values.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
import secrets
import sys
import time
from typing import Any

import orjson
from flask import Request, Response, g, has_app_context
from gunicorn.glogging import Logger

ACCESS = logging.getLogger("api.access")
REQUEST_ID = "X-Request-Id"
ENVIRON_KEY = "HTTP_X_REQUEST_ID"
# json.dumps(line, ensure_ascii=False, default=str), its encoder made once
_ENCODE = json.JSONEncoder(ensure_ascii=False, default=str).encode
_TOKEN = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: time, level, logger, message, request id, fields."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as JSON (an exception's traceback under `exception`)."""
        line: dict[str, Any] = {
            "time": utc_time(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or _current_request_id()
        if request_id:
            line["request_id"] = request_id
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return encode(line)


def encode(line: dict[str, Any]) -> str:
    """The line as JSON: by orjson (~10x faster) when it holds only texts, numbers, booleans
    and nulls, as every access line does; otherwise as `json.dumps` writes it (`str` of
    anything else), which is also the fallback for what orjson refuses."""
    for value in line.values():
        kind = type(value)
        if kind is float:
            if not math.isfinite(value):  # json writes NaN, orjson null: json decides
                return _ENCODE(line)
        elif kind is not str and kind is not int and kind is not bool and value is not None:
            return _ENCODE(line)
    try:
        return orjson.dumps(line).decode()
    except orjson.JSONEncodeError:  # a lone surrogate, an integer beyond 64 bits
        return _ENCODE(line)


# The last whole second written and its text (one tuple: threads read it whole).
_second: tuple[int, str] = (-1, "")


def utc_time(created: float) -> str:
    """`datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")`, the
    text of the second made once a second (fromtimestamp with a zone costs ~2 µs)."""
    global _second
    fraction, whole = math.modf(created)
    micro = round(fraction * 1e6)  # as fromtimestamp rounds: half to even
    second = int(whole)
    if micro >= 1_000_000:
        second, micro = second + 1, micro - 1_000_000
    if micro < 0 or second < 0:  # before 1970: left to datetime
        return dt.datetime.fromtimestamp(created, dt.UTC).isoformat(timespec="milliseconds")
    known = _second
    if known[0] != second:
        text = dt.datetime.fromtimestamp(second, dt.UTC).isoformat(timespec="seconds")
        known = _second = (second, text.removesuffix("+00:00"))
    return f"{known[1]}.{micro // 1000:03d}+00:00"


def _current_request_id() -> str | None:
    # `g` belongs to the app context: api.fast_path answers in one without a request context
    return g.get("request_id") if has_app_context() else None


class JsonLogger(Logger):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn's logger with JSON lines, and the app's loggers written the same way."""

    def setup(self, cfg: Any) -> None:
        """Set gunicorn's handlers up, then give them (and the root logger) JSON."""
        super().setup(cfg)
        for handler in self.error_log.handlers + self.access_log.handlers:
            handler.setFormatter(JsonFormatter())
        configure()


def configure(level: int = logging.INFO) -> None:
    """Write every logger's records as JSON lines to stderr (once per process)."""
    root = logging.getLogger()
    if not any(getattr(h, "_eligibility", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler._eligibility = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)


def start(here: Any, environ: dict[str, Any]) -> None:
    """Give the request its id in its `g` (api.hooks, first of all)."""
    given = environ.get(ENVIRON_KEY, "")  # the header, as request.headers reads it
    here.request_id = given if _TOKEN.match(given) else secrets.token_hex(16)


def finish(
    here: Any, found: Request, response: Response, route: str | None, started: float
) -> Response:
    """Send the request id back and log the request's line (api.hooks, after the response)."""
    request_id = getattr(here, "request_id", None)
    if request_id is None:
        return response
    response.headers[REQUEST_ID] = request_id
    access(request_id, found.method, route, found.path, response.status_code, started)
    return response


def access(
    request_id: str, method: str, route: str | None, path: str, status: int, started: float
) -> None:
    """Log a request's line (`finish`, and api.fast_path, which answers outside Flask)."""
    if not ACCESS.isEnabledFor(logging.INFO):
        return
    fields = {
        "method": method,
        "route": route,
        "path": path if route is not None else None,  # unmatched paths are noise
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
    }
    message = (method, route or "(unmatched)", status)
    handlers = _plain_handlers()
    if handlers is None:
        _log_access(message, fields, request_id)
    else:
        _write_access(handlers, message, fields, request_id)


def _log_access(message: tuple[Any, ...], fields: dict[str, Any], request_id: str) -> None:
    """The access line through logging's machinery (any handler, filter or formatter)."""
    ACCESS.handle(_record(message, fields, request_id))


def _record(message: tuple[Any, ...], fields: dict[str, Any], request_id: str) -> logging.LogRecord:
    """The access line's record, made here rather than by ACCESS.info: the caller's frame
    (which logging looks up on every call) is always this module's."""
    return ACCESS.makeRecord(
        ACCESS.name,
        logging.INFO,
        __file__,
        0,
        "%s %s %s",
        message,
        None,
        "finish",
        {"fields": fields, "request_id": request_id},
    )


def _plain_handlers() -> list[logging.StreamHandler[Any]] | None:
    """The handlers an access record reaches when each of them is `configure`'s own (a
    stream, JSON lines, no filter) and no logger on the way filters: else None."""
    found: list[logging.StreamHandler[Any]] = []
    logger: logging.Logger | None = ACCESS
    while logger is not None:
        if logger.filters:
            return None
        for handler in logger.handlers:
            if (
                type(handler) is not logging.StreamHandler
                or type(handler.formatter) is not JsonFormatter
                or handler.filters
                or handler.level > logging.INFO
            ):
                return None
            found.append(handler)
        logger = logger.parent if logger.propagate else None
    return found or None  # none: logging's last resort decides


def _write_access(
    handlers: list[logging.StreamHandler[Any]],
    message: tuple[Any, ...],
    fields: dict[str, Any],
    request_id: str,
) -> None:
    """The access line as `_log_access` writes it through such handlers, without a LogRecord
    and logging's dispatch (~half the cost of the line): the same JSON, time and order."""
    line = {
        "time": utc_time(time.time()),
        "level": "info",
        "logger": ACCESS.name,
        "message": "%s %s %s" % message,  # noqa: UP031 (as the record's getMessage)
        "request_id": request_id,
        **fields,
    }
    text = encode(line)
    for handler in handlers:
        handler.acquire()
        try:
            handler.stream.write(text + handler.terminator)
            handler.flush()
        except RecursionError:  # as StreamHandler.emit
            raise
        except Exception:  # as StreamHandler.emit: reported by the handler, never raised
            handler.handleError(_record(message, fields, request_id))
        finally:
            handler.release()
