"""Batch assessment of populations on the Dask cluster: files and recorded decisions."""

from __future__ import annotations

import csv
import json
import os
import random
import signal
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli import main
from eligibility import services
from eligibility.batch import partitions
from eligibility.batch.assess import result_rows
from eligibility.batch.assessment import assess
from eligibility.batch.cluster import Cluster
from eligibility.batch.generate import write
from eligibility.batch.populations import Population, PopulationError
from eligibility.ports import Storage
from eligibility.records import DecisionFilter
from eligibility.storage import memory_storage

from .helpers import decide
from .test_versions_storage import NEXT_YEAR

RULES = Path(__file__).resolve().parents[2] / "rules"

pytestmark = pytest.mark.usefixtures("dask_cluster")


def people(count: int, seed: int = 5) -> list[dict[str, object]]:
    """Claimants: ages 16–80, incomes 0–3,000 (some without one), residents mostly."""
    rng = random.Random(seed)
    found = []
    for number in range(1, count + 1):
        answers: dict[str, object] = {"id": f"p{number}", "age": rng.randint(16, 80)}
        if rng.random() < 0.9:
            answers["income"] = f"{rng.randint(0, 3000)}.00"
        answers["resident"] = rng.random() < 0.9
        found.append(answers)
    return found


def test_a_csv_population_under_two_versions_keeps_failing_rows_apart(
    fishing_versions: Storage, tmp_path: Path, dask_cluster: Cluster
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "id,age,income,resident\n"
        "a,30,1100.00,true\n"  # the 2025 limit takes the reduction away
        "b,70,,yes\n"
        "c,thirty,900.00,true\n"  # line 4: not a number
        "d,30,900.00\n"  # line 5: a cell missing
        "\n"
        "e,30,5000.00,false\n",
        encoding="utf-8",
    )
    out = tmp_path / "report"
    job = assess(
        fishing_versions,
        Population.file(path),
        "fishing-licence",
        "2024-01-01",
        out,
        reform="2025-01-01",
        cluster=dask_cluster,
    )
    summary = job.to_dict()
    assert (summary["status"], summary["total"], summary["processed"]) == ("done", 5, 5)
    assert (summary["assessed"], summary["failed"]) == (3, 2)
    assert [(e["line"], e["id"]) for e in summary["errors"]] == [(4, "c"), (5, None)]
    assert (
        "/age" in summary["errors"][0]["error"]
        and "line 5: 3 cells" in summary["errors"][1]["error"]
    )
    rows = list(result_rows(out))
    assert [(r["row"], r["line"], r["status"]) for r in rows] == [
        (1, 2, "changed"),
        (2, 3, "same"),
        (3, 4, "failed"),
        (4, 5, "failed"),
        (5, 7, "same"),
    ]
    assert rows[0]["goals"]["eligible"] == {"baseline": True, "reform": False}
    assert rows[0]["changes"][0]["rules"][0]["rule"] == "low_income"
    effects = summary["effects"]
    assert (effects["gained"], effects["lost"]) == ({"eligible": 0}, {"eligible": 1})
    assert effects["by_rule"]["low_income"]["rows"] == 1
    assert json.loads((out / "summary.json").read_text())["processed"] == 5


def test_csv_jsonl_and_parquet_give_the_same_rows(
    fishing_versions: Storage, tmp_path: Path
) -> None:
    population = people(300)
    results = []
    for suffix in ("csv", "jsonl", "parquet"):
        path = tmp_path / f"people.{suffix}"
        write(path, iter([dict(p) for p in population]))
        job = assess(
            fishing_versions,
            Population.file(path),
            "fishing-licence",
            "2024-01-01",
            tmp_path / suffix,
        )
        assert (job.status, job.processed, job.to_dict()["failed"]) == ("done", 300, 0)
        results.append([(r["id"], r["goals"]) for r in result_rows(tmp_path / suffix)])
    assert results[0] == results[1] == results[2]


def test_the_cluster_gives_what_one_process_gives_on_10000_rows(
    fishing_versions: Storage, tmp_path: Path, dask_cluster: Cluster
) -> None:
    path = tmp_path / "people.jsonl"
    write(path, iter(people(10_000, seed=11)))
    kinds = Population.file(path)
    here = assess(
        fishing_versions,
        kinds,
        "fishing-licence",
        "2024-01-01",
        tmp_path / "here",
        reform="2025-01-01",
        engine="pure",  # the same Evaluator, faster: the test is about partitions
    )
    there = assess(
        fishing_versions,
        kinds,
        "fishing-licence",
        "2024-01-01",
        tmp_path / "there",
        reform="2025-01-01",
        engine="pure",  # the same Evaluator, faster: the test is about partitions,
        cluster=dask_cluster,
    )
    assert len(there.tallies) > 1 and there.processed == here.processed == 10_000
    same = {
        k: v
        for k, v in here.to_dict().items()
        if k not in ("id", "rate", "started_at", "finished_at", "cpu_seconds", "partitions_done")
    }
    assert same == {k: there.to_dict()[k] for k in same}
    assert list(result_rows(tmp_path / "here")) == list(result_rows(tmp_path / "there"))


def test_an_unknown_column_or_format_stops_the_batch_at_once(
    fishing_versions: Storage, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("age,incom\n30,900.00\n", encoding="utf-8")
    with pytest.raises(PopulationError, match="incom"):
        assess(
            fishing_versions, Population.file(path), "fishing-licence", "2024-01-01", tmp_path / "r"
        )
    with pytest.raises(PopulationError, match=".csv, .jsonl or .parquet"):
        Population.file(tmp_path / "people.xlsx")


def test_recorded_decisions_as_the_population(
    fishing_store: Storage, migrated_url: str, tmp_path: Path, dask_cluster: Cluster
) -> None:
    for answers in (
        {"age": 30, "income": "1100.00", "resident": True},
        {"age": 70, "resident": True},
    ):
        decide(fishing_store, answers)
    services.create_draft(fishing_store, NEXT_YEAR, "author-1")
    population = Population.decisions(migrated_url, DecisionFilter(ruleset_id="fishing-licence"))
    job = assess(
        fishing_store,
        population,
        "fishing-licence",
        "2024-01-01",
        tmp_path / "r",
        reform="2025-01-01",
        cluster=dask_cluster,
    )
    assert (job.status, job.total, job.to_dict()["effects"]["changed"]) == ("done", 2, 1)
    assert [r["status"] for r in result_rows(tmp_path / "r")] == ["changed", "same"]


def test_cli_generates_and_assesses_with_a_progress_bar(
    fishing_store: Storage, migrated_url: str, tmp_path: Path, dask_scheduler: str
) -> None:
    runner = CliRunner()
    made = runner.invoke(
        main, ["batch", "generate", "snap", str(tmp_path / "snap.csv"), "--rows", "40"]
    )
    assert made.exit_code == 0, made.output
    with (tmp_path / "snap.csv").open(encoding="utf-8") as file:
        assert len(list(csv.DictReader(file))) == 40
    services.create_draft(fishing_store, NEXT_YEAR, "author-1")
    path = tmp_path / "people.csv"
    write(path, iter(people(50)))
    args = ["assess", str(path), "--ruleset", "fishing-licence", "--version", "2024-01-01"]
    args += [
        "--reform",
        "2025-01-01",
        "--report",
        str(tmp_path / "r"),
        "--database-url",
        migrated_url,
    ]
    done = runner.invoke(main, args)
    assert done.exit_code == 0, done.output
    assert "fishing-licence 2024-01-01 → 2025-01-01: done, 50 of 50 rows" in done.stdout
    assert "Reduced licence: gained 0, lost" in done.stdout
    assert "assessing" in done.stderr and "50/50" in done.stderr
    page = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "What fishing-licence 2025-01-01 changes against 2024-01-01" in page
    assert page.count('src="data:image/svg+xml;base64,') >= 2  # eligibility, the reduction
    assert (tmp_path / "r" / "charts" / "reduction-changes.svg").read_text().startswith("<?xml")
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    (eligible,) = report["eligibility"]
    assert eligible["lost"] > 0 and eligible["label"] == "Reduced licence"
    (reduction,) = report["amounts"]
    assert Decimal(reduction["difference"]) < 0
    assert sum(b["claims"] for b in reduction["bands"]) == reduction["rows"] <= 50  # decided
    with (tmp_path / "r" / "affected.csv").open(encoding="utf-8") as file:
        affected = list(csv.DictReader(file))
    assert len(affected) == report["changed"] > 0
    assert {a["Reduced licence (eligible)"] for a in affected} >= {"true → false"}


def test_ctrl_c_stops_the_assessment_with_a_partial_report(
    fishing_store: Storage,
    migrated_url: str,
    tmp_path: Path,
    dask_scheduler: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import cli.batch

    monkeypatch.setattr(partitions, "MIN_ROWS", 200)
    path = tmp_path / "people.csv"
    write(path, iter(people(2000)))  # partitions of 200 rows
    running = cli.batch.assess

    def interrupted(*args: Any, progress: Any, **options: Any) -> Any:
        def once(processed: int, total: int) -> None:
            progress(processed, total)
            os.kill(os.getpid(), signal.SIGINT)  # the operator presses Ctrl-C

        return running(*args, progress=once, **options)

    monkeypatch.setattr(cli.batch, "assess", interrupted)
    args = ["assess", str(path), "--ruleset", "fishing-licence", "--version", "2024-01-01"]
    args += ["--report", str(tmp_path / "r"), "--database-url", migrated_url]
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 1, done.output
    first = done.stdout.splitlines()[0]
    assert first.startswith("fishing-licence 2024-01-01: cancelled, ") and "of 2000 rows" in first
    processed = int(first.split("cancelled, ")[1].split(" of")[0])
    assert 0 < processed < 2000 and processed % 200 == 0
    assert len(list(result_rows(tmp_path / "r"))) == processed
    assert "stopping" in done.stderr
    assert (tmp_path / "r" / "report.html").exists()


def test_answers_a_reform_no_longer_asks_are_set_aside_not_failed(tmp_path: Path) -> None:
    store = memory_storage()
    services.sync_rule_files(store, [RULES / "kurzarbeitergeld"])
    original = services.get_version(store, "kurzarbeitergeld", "2020-03-01")
    claims = [  # the original's scenarios that answer agency work, which 2020-03-01.1 drops
        {"id": f"s{n}", "answers": s["answers"], "as_of": s.get("as_of")}
        for n, s in enumerate(original.content["scenarios"])
        if "agency_worker" in s["answers"] and not s.get("expect_refused")
    ]
    assert claims
    path = tmp_path / "claims.jsonl"
    path.write_text("".join(json.dumps(c, default=str) + "\n" for c in claims), encoding="utf-8")
    job = assess(
        store,
        Population.file(path),
        "kurzarbeitergeld",
        "2020-03-01",
        tmp_path / "r",
        reform="2020-03-01.1",
    )
    summary = job.to_dict()
    assert (summary["status"], summary["failed"]) == ("done", 0), summary["errors"]
    assert summary["assessed"] == len(claims)
