"""Profiles of the hot paths with pyinstrument, written to bench/results/profiles/.

- `kug-evaluate`: `evaluate()` (durable) over the complete KUG answer sets;
- `snap-evaluate`: the same for SNAP;
- `scale-2000-next-questions`: `evaluate({})` on the generated 2,000-rule set;
- `api-evaluation`: `POST /v1/evaluations` through Flask's test client (SQLite);
- `replay-job`: a batch replay job of recorded SNAP decisions, in this process.
Each profile is a text tree (pyinstrument's console renderer, no colour); the JSON
result lists the files and the top frames by own time.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import generate
from bench.corpus import corpus
from bench.evaluation import evaluator, headline
from bench.harness import RESULTS, ROOT, Settings

OUT = RESULTS / "profiles"


def _profile(name: str, fn: Callable[[], object], seconds: float) -> dict[str, Any]:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0002)
    calls = 0
    profiler.start()
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        fn()
        calls += 1
    profiler.stop()
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.txt"
    path.write_text(text)
    session = profiler.last_session
    own: dict[str, float] = {}
    frame = session.root_frame() if session else None
    stack = [frame] if frame else []
    while stack:
        f = stack.pop()
        if f.is_synthetic:  # pyinstrument's [self] leaves: counted as their parent's own time
            continue
        key = f"{f.function} ({Path(f.file_path or '?').name}:{f.line_no})"
        own[key] = (
            own.get(key, 0.0) + f.time - sum(c.time for c in f.children if not c.is_synthetic)
        )
        stack.extend(f.children)
    total = sum(own.values()) or 1.0
    top = sorted(own.items(), key=lambda kv: -kv[1])[:12]
    return {
        "file": str(path.relative_to(ROOT)),
        "calls": calls,
        "top_self_time": [[k, round(v / total * 100, 1)] for k, v in top],
    }


def _cycle(fn: Callable[[Any], object], items: list[Any]) -> Callable[[], None]:
    def run() -> None:
        for item in items:
            fn(item)

    return run


def run(settings: Settings) -> dict[str, Any]:
    try:
        import pyinstrument  # noqa: F401
    except ImportError:
        return {"skipped": "pyinstrument is not installed (pip install -e '.[bench]')"}
    from eligibility import compile_ruleset, document_from_data, evaluate, load_document

    seconds = 2.0 if settings.quick else 5.0
    out: dict[str, Any] = {}
    for ruleset_id, name in (("kurzarbeitergeld", "kug-evaluate"), ("snap", "snap-evaluate")):
        found = corpus(ruleset_id, headline(ruleset_id))
        out[name] = _profile(
            name, _cycle(evaluator(found.compiled, "durable"), found.complete), seconds
        )
    big = compile_ruleset(load_document(document_from_data(generate.document(2000))))
    out["scale-2000-next-questions"] = _profile(
        "scale-2000-next-questions", lambda: evaluate(big, {}), seconds
    )
    out.update(_api_and_replay(seconds))
    return out


def _api_and_replay(seconds: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    try:
        from api import create_app
        from eligibility import services
        from eligibility.storage import open_storage
        from eligibility.storage.migrate import upgrade
    except ImportError as error:
        return {"api-evaluation": {"skipped": str(error)}}
    item = next(
        i
        for i in corpus("snap", "2019-10-01").complete
        if i.name == "UT family of three with earnings"
    )
    body = {"ruleset": "snap", "version": "2019-10-01", "answers": item.answers}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'profile.db'}"
        upgrade(url)
        saved = {k: os.environ.get(k) for k in ("DATABASE_URL", "ELIGIBILITY_RULES")}
        os.environ.update({"DATABASE_URL": url, "ELIGIBILITY_RULES": str(ROOT / "rules")})
        try:
            client = create_app().test_client()
            assert client.post("/v1/evaluations", json=body).status_code == 200
            out["api-evaluation"] = _profile(
                "api-evaluation", lambda: client.post("/v1/evaluations", json=body), seconds
            )
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        store = open_storage(url)
        try:
            found = corpus("snap", "2019-10-01")
            for i in (found.complete + found.partial)[:300]:
                services.record_decision(
                    store,
                    services.EvaluationRequest("snap", i.answers, version="2019-10-01"),
                    "bench",
                    allow_incomplete=True,  # the corpus holds partial claims on purpose
                )

            def job() -> None:
                started = services.start_replay_job(store, "snap", "bench")
                services.run_replay_job(store, started.id, workers=1)

            out["replay-job"] = _profile("replay-job", job, seconds)
        finally:
            store.close()
    return out
