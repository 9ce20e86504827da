"""A batch assessment that stopped (a failed partition, Ctrl-C) resumes where it stopped.

Its folder keeps the plan and each completed partition's counts; resumed, only the
partitions without counts run, and its summary and rows are those of a run through.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli import main
from eligibility import services
from eligibility.batch import assess, partitions
from eligibility.batch.assess import result_rows
from eligibility.batch.assess_plan import COUNTS, PLAN, kept_counts
from eligibility.batch.assessment import Assessment
from eligibility.batch.assessment import assess as assessed
from eligibility.batch.cluster import Cluster
from eligibility.batch.generate import write
from eligibility.batch.partitions import Partition
from eligibility.batch.populations import Population
from eligibility.errors import Conflict
from eligibility.ports import Storage

from .test_batch_assess import people
from .test_versions_storage import NEXT_YEAR

pytestmark = pytest.mark.usefixtures("dask_cluster")

VARIES = ("id", "rate", "started_at", "finished_at", "cpu_seconds", "status")


@pytest.fixture
def population(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Population:
    """1,000 claimants in a CSV file: five partitions of 200 rows."""
    monkeypatch.setattr(partitions, "MIN_ROWS", 200)
    path = tmp_path / "people.csv"
    write(path, iter(people(1000, seed=3)))
    return Population.file(path)


def _assess(store: Storage, population: Population, out: Path, **options: Any) -> Assessment:
    return assessed(
        store, population, "fishing-licence", "2024-01-01", out, reform="2025-01-01", **options
    )


def _ran(monkeypatch: pytest.MonkeyPatch, failing: tuple[int, ...] = ()) -> list[int]:
    """The partitions run from now on (those `failing` raise); the workers are threads.

    Spied where a partition reads its rows: the function the cluster runs is sent to it
    (a copy), the module it reads them with is the one here.
    """
    ran: list[int] = []
    reading = assess.rows

    def spied(population: Population, part: Partition, *args: Any) -> Any:
        ran.append(part.index)
        if part.index in failing:
            raise OSError("disk full")
        return reading(population, part, *args)

    monkeypatch.setattr(assess, "rows", spied)
    return ran


def _same(resumed: Assessment, whole: Assessment) -> None:
    assert resumed.status == "done" and resumed.processed == 1000
    mine = {k: v for k, v in resumed.to_dict().items() if k not in VARIES}
    assert mine == {k: v for k, v in whole.to_dict().items() if k not in VARIES}
    assert list(result_rows(resumed.out)) == list(result_rows(whole.out))


def test_a_failed_partition_is_all_a_resumed_assessment_runs(
    fishing_versions: Storage,
    population: Population,
    tmp_path: Path,
    dask_cluster: Cluster,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    whole = _assess(fishing_versions, population, tmp_path / "whole", cluster=dask_cluster)
    assert len(whole.tallies) == 5
    with monkeypatch.context() as patched:
        _ran(patched, failing=(3,))
        failed = _assess(fishing_versions, population, tmp_path / "r", cluster=dask_cluster)
    assert failed.status == "failed" and sorted(failed.tallies) == [0, 1, 2, 4]
    assert sorted(kept_counts(tmp_path / "r")) == [0, 1, 2, 4]
    ran = _ran(monkeypatch)
    resumed = _assess(
        fishing_versions, population, tmp_path / "r", cluster=dask_cluster, resume=True
    )
    assert ran == [3]
    _same(resumed, whole)


def test_an_assessment_stopped_resumes_and_one_started_afresh_forgets_the_counts(
    fishing_versions: Storage,
    population: Population,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    whole = _assess(fishing_versions, population, tmp_path / "whole")
    seen: list[int] = []
    stopped = _assess(
        fishing_versions,
        population,
        tmp_path / "r",
        progress=lambda processed, _: seen.append(processed),
        stop=lambda: len(seen) == 2,  # Ctrl-C once two partitions are counted
    )
    assert stopped.status == "cancelled" and stopped.processed == 400
    ran = _ran(monkeypatch)
    resumed = _assess(fishing_versions, population, tmp_path / "r", resume=True)
    assert ran == [2, 3, 4]
    _same(resumed, whole)
    ran.clear()
    afresh = _assess(fishing_versions, population, tmp_path / "r")  # not resumed: all of it again
    assert ran == [0, 1, 2, 3, 4]
    _same(afresh, whole)


def test_a_folder_of_another_assessment_or_a_changed_population_is_not_resumed(
    fishing_versions: Storage, population: Population, tmp_path: Path
) -> None:
    _assess(fishing_versions, population, tmp_path / "r")
    assert (tmp_path / "r" / PLAN).is_file() and (tmp_path / "r" / COUNTS).is_dir()
    with pytest.raises(Conflict, match="holds another assessment"):
        assessed(
            fishing_versions,
            population,
            "fishing-licence",
            "2024-01-01",
            tmp_path / "r",
            resume=True,
        )
    assert population.path is not None
    Path(population.path).write_text("age,income,resident\n30,900.00,true\n", encoding="utf-8")
    with pytest.raises(Conflict, match="the population changed since"):
        _assess(fishing_versions, population, tmp_path / "r", resume=True)
    # Nothing kept in a new folder: all of it is assessed.
    nothing = _assess(fishing_versions, population, tmp_path / "new", resume=True)
    assert (nothing.status, nothing.processed) == ("done", 1)


def test_cli_assess_resumes_into_its_report_folder(
    fishing_store: Storage,
    migrated_url: str,
    population: Population,
    tmp_path: Path,
    dask_scheduler: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services.create_draft(fishing_store, NEXT_YEAR, "author-1")
    assert population.path is not None
    args = ["assess", population.path, "--ruleset", "fishing-licence", "--version", "2024-01-01"]
    args += ["--report", str(tmp_path / "r"), "--database-url", migrated_url]
    with monkeypatch.context() as patched:  # partitions 2 and on fail in the first run
        _ran(patched, failing=(2, 3, 4))
        first = CliRunner().invoke(main, args)
    assert first.exit_code == 1 and ": failed, 400 of 1000 rows" in first.stdout, first.output
    resumed = CliRunner().invoke(main, [*args, "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert "fishing-licence 2024-01-01: done, 1000 of 1000 rows" in resumed.stdout
    assert len(list(result_rows(tmp_path / "r"))) == 1000
