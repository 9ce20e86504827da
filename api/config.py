"""Settings of the HTTP service, read from the environment or given to `create_app`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from eligibility.checkpoints import CheckpointSettings
from eligibility.evaluation import EngineName

DEFAULT_MAX_CONTENT_LENGTH = 1024 * 1024  # 1 MiB
# An interview may span days (documents to find, an employer to ask): two weeks idle.
DEFAULT_SESSION_IDLE_SECONDS = 14 * 24 * 60 * 60
DEFAULT_REQUEST_TIMEOUT_SECONDS = 10.0  # gunicorn's worker timeout is 60 s


def _flag(text: str) -> bool:
    if text.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if text.strip().lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {text!r}")


def _list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _engine(text: str) -> EngineName:
    name = text.strip().lower()
    if name == "durable":
        return "durable"
    if name == "pure":
        return "pure"
    raise ValueError(f"ELIGIBILITY_ENGINE must be durable or pure, got {text!r}")


def _jobs_cluster(text: str) -> str:
    name = text.strip().lower()
    if name not in ("dask", "inline"):
        raise ValueError(f"JOBS_CLUSTER must be dask or inline, got {text!r}")
    return name


def _as_tuple(value: Any) -> tuple[str, ...]:
    return (str(value),) if isinstance(value, str | os.PathLike) else tuple(str(v) for v in value)


@dataclass(frozen=True)
class Config:
    """Everything the app factory needs; `from_env` reads the documented variables."""

    database_url: str | None = None
    rules: tuple[str, ...] = ("rules",)
    anonymous_access: bool = True
    cors_origins: tuple[str, ...] = ()
    session_idle_seconds: int = DEFAULT_SESSION_IDLE_SECONDS
    max_content_length: int = DEFAULT_MAX_CONTENT_LENGTH
    problem_base: str = "/problems/"
    engine: EngineName = "durable"
    # How long a worker trusts its memory of which version covers a date before asking the
    # database again (publications made through another worker show up after this delay).
    version_cache_seconds: float = 5.0
    # Impact for authors: amounts summed over fewer decisions than this are withheld.
    impact_min_group: int = 5
    # Batch assessments: where their populations, rows and reports are kept, and how large
    # an uploaded population may be (BATCH_DIR, BATCH_MAX_BYTES).
    batch_dir: str = "instance/batches"
    # Where replay and batch jobs run: "dask" (DASK_SCHEDULER_ADDRESS, else a LocalCluster
    # the process starts on its first job) or "inline" (in the server process, partition
    # after partition: small installations, and tests that fuzz the API).
    jobs_cluster: str = "dask"
    batch_max_bytes: int = 256 * 1024 * 1024
    # Finished batch jobs are kept this many days, and at most this many of them (0: no
    # limit); older ones are removed when a job is created (BATCH_KEEP_DAYS, BATCH_KEEP_JOBS).
    batch_keep_days: float = 30.0
    batch_keep_jobs: int = 200
    # Maker-checker: the author of a version's content may not publish it.
    publish_maker_checker: bool = False
    # Publishing requires scenarios that exercise every outcome (eligibility.coverage).
    publish_require_coverage: bool = False
    # Chain verification jobs (VERIFY_DIR), and the longest chain GET /v1/audit/verify
    # walks inside a request (VERIFY_REQUEST_LIMIT records, 0: any): about 2,500 records
    # a second on PostgreSQL, so 5,000 stay well inside the request's database budget.
    verify_dir: str = "instance/verifications"
    verify_request_limit: int = 5000
    # Signed checkpoints of the decision chain (CHECKPOINT_DIR, CHECKPOINT_KEY_FILE, …).
    checkpoints: CheckpointSettings = field(default_factory=CheckpointSettings)
    # How often a worker looks whether the rule files changed, to sync them again (0: never).
    rules_watch_seconds: float = 2.0
    # Failed authentication: at most this many per client address and window (0: no limit).
    auth_failure_limit: int = 10
    auth_failure_window_seconds: float = 60.0
    # Each request's database work ends within this (a 503 after it), well inside the
    # worker timeout, so a silent database costs requests, never workers (0: none).
    request_timeout_seconds: float = DEFAULT_REQUEST_TIMEOUT_SECONDS
    testing: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        """Settings from DATABASE_URL, ELIGIBILITY_RULES, ANONYMOUS_ACCESS, CORS_ORIGINS, …

        … SESSION_IDLE_SECONDS, MAX_CONTENT_LENGTH, VERSION_CACHE_SECONDS,
        ELIGIBILITY_ENGINE (durable or pure), PUBLISH_MAKER_CHECKER,
        PUBLISH_REQUIRE_COVERAGE, IMPACT_MIN_GROUP, RULES_WATCH_SECONDS,
        AUTH_FAILURE_LIMIT, AUTH_FAILURE_WINDOW_SECONDS, BATCH_DIR, BATCH_MAX_BYTES,
        BATCH_KEEP_DAYS, BATCH_KEEP_JOBS, JOBS_CLUSTER, REQUEST_TIMEOUT_SECONDS, VERIFY_DIR,
        VERIFY_REQUEST_LIMIT and the CHECKPOINT_* settings (the DB_* timeouts are read by the
        storage: eligibility.storage.sql.settings).
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {"checkpoints": CheckpointSettings.from_env(env)}
        if env.get("DATABASE_URL"):
            values["database_url"] = env["DATABASE_URL"]
        if env.get("ELIGIBILITY_RULES"):
            values["rules"] = _list(env["ELIGIBILITY_RULES"].replace(os.pathsep, ","))
        if "ANONYMOUS_ACCESS" in env:
            values["anonymous_access"] = _flag(env["ANONYMOUS_ACCESS"])
        for name in ("PUBLISH_MAKER_CHECKER", "PUBLISH_REQUIRE_COVERAGE"):
            if name in env:
                values[name.lower()] = _flag(env[name])
        if "CORS_ORIGINS" in env:
            values["cors_origins"] = _list(env["CORS_ORIGINS"])
        if env.get("ELIGIBILITY_ENGINE"):
            values["engine"] = _engine(env["ELIGIBILITY_ENGINE"])
        for name in ("BATCH_DIR", "VERIFY_DIR"):
            if env.get(name):
                values[name.lower()] = env[name]
        if env.get("JOBS_CLUSTER"):
            values["jobs_cluster"] = _jobs_cluster(env["JOBS_CLUSTER"])
        integers = ("SESSION_IDLE_SECONDS", "MAX_CONTENT_LENGTH", "IMPACT_MIN_GROUP")
        limits = ("AUTH_FAILURE_LIMIT", "BATCH_MAX_BYTES", "BATCH_KEEP_JOBS")
        for name in (*integers, *limits, "VERIFY_REQUEST_LIMIT"):
            if env.get(name):
                values[name.lower()] = int(env[name])
        floats = ("VERSION_CACHE_SECONDS", "RULES_WATCH_SECONDS", "AUTH_FAILURE_WINDOW_SECONDS")
        for name in (*floats, "REQUEST_TIMEOUT_SECONDS", "BATCH_KEEP_DAYS"):
            if env.get(name):
                values[name.lower()] = float(env[name])
        return cls(**values)

    def updated(self, overrides: Mapping[str, Any]) -> Config:
        """A copy with some settings changed (lower-case or upper-case names)."""
        known = {f.name for f in fields(self)}
        values: dict[str, Any] = {}
        extra = dict(self.extra)
        for key, value in overrides.items():
            name = key.lower()
            if name in known:
                values[name] = _as_tuple(value) if name in {"rules", "cors_origins"} else value
            else:
                extra[key] = value
        return replace(self, **values, extra=extra)
