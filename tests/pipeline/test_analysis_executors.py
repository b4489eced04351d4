"""An analysis run records the same in this process, on a process pool and on a real Dask
cluster (`dask scheduler` and two `dask worker` processes on loopback): its executors are
triage's own, chosen by `execute_run(executor=...)`."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.builders.seizure import build_mixed_seizure, photo_bytes
from tests.pipeline.test_dask_executor import LoopbackCluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackCluster]:
    cluster = LoopbackCluster(tmp_path_factory.mktemp("dask-cluster"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def _recorded_by_hashes(case: Any) -> dict[str, dict[str, Any]]:
    """What the `hashes` tool recorded on each content of the case, less the run's id."""
    from vigil.records.cases.models import Blob

    blobs = Blob.objects.filter(items__case=case, media__has_key="hashes").distinct()
    return {
        blob.sha256: {key: value for key, value in blob.media["hashes"].items() if key != "run"}
        for blob in blobs
    }


def test_an_analysis_run_records_the_same_in_this_process_and_on_a_process_pool(
    django_instance: Path, tmp_path: Path, case_name: str
) -> None:
    from vigil.analyzers.hashes.analyzer import HashesAnalyzer
    from vigil.pipeline.analysis import execute_run, start_run
    from vigil.pipeline.service import instance_store, triage
    from vigil.records.cases.models import Case

    seizure = tmp_path / "seizure"
    seizure.mkdir()
    seed = random.getrandbits(32)  # contents of its own: blobs are shared by the session's cases
    for index in range(5):
        (seizure / f"IMG_{index}.jpg").write_bytes(photo_bytes(seed + index))
    triage(case_name, seizure, executor="inline")
    case = Case.objects.get(name=case_name)

    outcomes = []
    for executor, workers in ((None, 1), ("process", 2)):  # None: one worker runs inline
        run = start_run(case, HashesAnalyzer, actor="test")
        summary = execute_run(run, instance_store(), workers=workers, executor=executor)
        outcomes.append((summary.analyzed, summary.failed, _recorded_by_hashes(case)))

    inline, on_the_pool = outcomes
    assert on_the_pool == inline
    assert inline[:2] == (5, 0) and len(inline[2]) == 5


@pytest.mark.slow
def test_an_analysis_run_on_dask_records_what_the_process_pool_records(
    cluster: LoopbackCluster, django_instance: Path, tmp_path: Path, case_name: str
) -> None:
    from vigil.analyzers.hashes.analyzer import HashesAnalyzer
    from vigil.pipeline.analysis import execute_run, start_run
    from vigil.pipeline.service import instance_store, triage
    from vigil.records.cases.models import Case

    seizure = build_mixed_seizure(tmp_path / "seizure")
    triage(case_name, seizure.root, executor="process", workers=2)
    case = Case.objects.get(name=case_name)

    outcomes = []
    for executor in ("process", "dask"):
        run = start_run(case, HashesAnalyzer, actor="test")
        summary = execute_run(
            run, instance_store(), workers=2, executor=executor, scheduler=cluster.address
        )
        outcomes.append((summary.analyzed, summary.failed, _recorded_by_hashes(case)))

    on_the_pool, on_dask = outcomes
    assert on_dask == on_the_pool
    assert on_dask[0] > 0 and on_dask[1] == 0 and len(on_dask[2]) == on_dask[0]
    assert all("vigil-analysis" in names for names in cluster.plugins_by_worker().values())
