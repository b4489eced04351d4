"""One set of executors serves triage and analysis: each runs a workload's tasks as a direct
call would, and the coordinator outlives a worker that dies. Real worker processes throughout:
a crash is a worker process ending itself, a plugin is a package installed on the path."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.builders.seizure import photo_bytes
from tests.pipeline.failing_workers import analyze_unless_told_to_fail
from vigil.analyzers.builtin import BUILTIN_ANALYZERS
from vigil.analyzers.context import AnalyzerOutput
from vigil.analyzers.registry import ENTRY_POINT_GROUP
from vigil.pipeline.analysis_worker import AnalysisTask, run_analyzer
from vigil.pipeline.executors.base import TaskExecutor
from vigil.pipeline.executors.factory import ExecutorName, executor_factory
from vigil.pipeline.executors.process import ProcessPoolExecutorAdapter
from vigil.pipeline.executors.retry import run_tasks
from vigil.pipeline.executors.workloads import AnalysisWorkload, analysis_workload, triage_workload
from vigil.pipeline.tasks import IngestTask, WorkerConfig
from vigil.store.evidence import EvidenceStore


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "store").create()


def _hash_tasks(store: EvidenceStore, count: int, **parameters: Any) -> list[AnalysisTask]:
    """Stored contents, each a task for the `hashes` tool, which needs no model."""
    tasks = []
    for index in range(count):
        sha256 = store.put_bytes(f"content {index}".encode()).sha256
        tasks.append(AnalysisTask("hashes", sha256, "text", "text", str(store.root), parameters))
    return tasks


def _told_to(how: str, fail: str, task: AnalysisTask, attempts: Path) -> AnalysisTask:
    parameters = {**task.parameters, "how": how, "fail": fail, "attempts": str(attempts)}
    return dataclasses.replace(task, parameters=parameters)


def _failing(store: EvidenceStore) -> AnalysisWorkload:
    return dataclasses.replace(
        analysis_workload(str(store.root)), function=analyze_unless_told_to_fail
    )


def _attempts(log: Path, task: AnalysisTask) -> int:
    return log.read_text().split().count(task.sha256)


def _issues(output: AnalyzerOutput) -> list[tuple[str, str]]:
    return [(issue.code, issue.severity) for issue in output.issues]


@pytest.mark.parametrize("name", ["inline", "process"])
def test_each_executor_gives_an_analysis_task_the_output_a_direct_call_gives(
    store: EvidenceStore, name: ExecutorName
) -> None:
    tasks = _hash_tasks(store, 6)
    executor = executor_factory(name, analysis_workload(str(store.root)), workers=2)()
    try:
        futures = [executor.submit(task) for task in tasks]
        outputs = [future.result(timeout=120) for future in futures]
    finally:
        executor.shutdown()

    assert executor.name == name
    assert outputs == [run_analyzer(task) for task in tasks]
    assert [output.facts["sha256"] for output in outputs] == [task.sha256 for task in tasks]


def test_a_crashed_analysis_task_is_retried_once_then_recorded_as_crashed(
    store: EvidenceStore, tmp_path: Path
) -> None:
    log = tmp_path / "attempts"
    [doomed] = [_told_to("crash", "always", task, log) for task in _hash_tasks(store, 1)]

    outcomes = list(run_tasks([doomed], lambda: _pool(_failing(store)), _crashed))

    assert [task for task, _ in outcomes] == [doomed]
    assert _issues(outcomes[0][1]) == [("worker_crashed", "error")]
    assert "terminated abruptly" in outcomes[0][1].issues[0].message
    assert _attempts(log, doomed) == 2


def test_a_task_that_crashed_its_worker_once_succeeds_on_a_fresh_pool_and_loses_no_other(
    store: EvidenceStore, tmp_path: Path
) -> None:
    log = tmp_path / "attempts"
    first, *others = [_told_to("crash", "never", task, log) for task in _hash_tasks(store, 6)]
    unlucky = _told_to("crash", "once", first, log)
    pools: list[ProcessPoolExecutorAdapter[Any, Any, Any]] = []

    def new_pool() -> ProcessPoolExecutorAdapter[Any, Any, Any]:
        pools.append(_pool(_failing(store)))
        return pools[-1]

    outcomes = _by_content(run_tasks([unlucky, *others], new_pool, _crashed))

    assert sorted(outcomes) == sorted(task.sha256 for task in [first, *others])
    assert all(output.facts["sha256"] == sha256 for sha256, output in outcomes.items())
    assert all(not output.issues for output in outcomes.values())
    assert _attempts(log, unlucky) == 2
    assert len(pools) == 2, "the broken pool is replaced once"


@pytest.mark.parametrize("name", ["inline", "process"])
def test_a_task_whose_worker_raised_is_retried_once_then_recorded_as_crashed(
    store: EvidenceStore, tmp_path: Path, name: ExecutorName
) -> None:
    log = tmp_path / "attempts"
    healthy, flaky, doomed = _hash_tasks(store, 3)
    tasks = [
        _told_to("raise", "never", healthy, log),
        _told_to("raise", "once", flaky, log),
        _told_to("raise", "always", doomed, log),
    ]

    outcomes = _by_content(run_tasks(tasks, executor_factory(name, _failing(store), 2), _crashed))

    assert len(outcomes) == 3
    healthy_out, flaky_out, doomed_out = (outcomes[task.sha256] for task in tasks)
    assert healthy_out.facts["sha256"] == healthy.sha256 and not healthy_out.issues
    assert flaky_out.facts["sha256"] == flaky.sha256 and not flaky_out.issues
    assert _issues(doomed_out) == [("worker_crashed", "error")]
    assert doomed_out.issues[0].message == "told to fail on attempt 2"
    assert [_attempts(log, task) for task in tasks] == [1, 2, 2]


def _by_content(
    outcomes: Iterator[tuple[AnalysisTask, AnalyzerOutput]],
) -> dict[str, AnalyzerOutput]:
    """The outcomes by content, checking that each task came back once."""
    by_content: dict[str, AnalyzerOutput] = {}
    for task, output in outcomes:
        assert task.sha256 not in by_content, f"{task.sha256} came back twice"
        by_content[task.sha256] = output
    return by_content


def _pool(workload: AnalysisWorkload) -> ProcessPoolExecutorAdapter[Any, Any, Any]:
    return ProcessPoolExecutorAdapter(workload, workers=2)


def _crashed(reason: str) -> AnalyzerOutput:
    return analysis_workload("unused").crashed(reason)


# -- triage steps come from the registry -----------------------------------------------------------
PLUGIN = """
from vigil.analyzers.base import Analyzer, ImageInput


class ByteCountStep(ImageInput, Analyzer):
    name = "plugin_byte_count"
    version = "0.1"
    title = "A third-party triage step"
    summary = "Counts the bytes of an image."
    triage_step = True

    def analyze(self, ctx):
        ctx.fact("plugin_byte_count", len(ctx.read_bytes()))
"""


@pytest.fixture
def installed_triage_step(tmp_path: Path) -> Iterator[str]:
    """A third-party package with a triage step, laid out on sys.path as pip installs one; the
    worker processes started meanwhile find it there, as they would a real one."""
    site = tmp_path / "site"
    package = site / "vigil_triage_step_plugin"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(PLUGIN))
    (package / "MODEL_CARD.md").write_text("# byte count\n")
    (package / "risk.yaml").write_text("use_case: {}\nlawfulness: {lawful: true}\nrisks: []\n")
    info = site / "vigil_triage_step_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: vigil-triage-step\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nbyte_count = vigil_triage_step_plugin:ByteCountStep\n"
    )
    sys.path.insert(0, str(site))
    try:
        yield "plugin_byte_count"
    finally:
        sys.path.remove(str(site))


def test_a_triage_step_installed_as_a_plugin_runs_in_the_triage_workers_after_vigils_own(
    installed_triage_step: str, store: EvidenceStore, tmp_path: Path
) -> None:
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(photo_bytes(1))
    workload = triage_workload(WorkerConfig(store_root=str(store.root)))
    executor: TaskExecutor[IngestTask, Any] = ProcessPoolExecutorAdapter(workload, workers=1)
    try:
        task = IngestTask(key=1, name=photo.name, depth=0, path=str(photo))
        result = executor.submit(task).result(timeout=120)
    finally:
        executor.shutdown()

    assert result.facts is not None
    assert "internal_error" not in [issue.code for issue in result.facts.issues]
    assert result.facts.media[installed_triage_step] == len(photo_bytes(1))
    ran = [step["tool"] for step in result.facts.media["steps"]]
    own = [a.name for a in BUILTIN_ANALYZERS if a.triage_step and "image" in a.accepted_families()]
    assert ran == [*own, installed_triage_step]


# -- what a worker process imports -----------------------------------------------------------------
@pytest.mark.parametrize(
    "module", ["vigil.pipeline.executors.process", "vigil.pipeline.executors.workloads"]
)
def test_what_a_pool_worker_imports_loads_no_django(module: str) -> None:
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    check = (
        f"import sys, {module}; "
        "loaded = [m for m in sys.modules if m.startswith(('django.db', 'vigil.web'))]; "
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", check], env=environment, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
