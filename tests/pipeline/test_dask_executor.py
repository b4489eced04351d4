"""Triage on a real Dask cluster (`dask scheduler` and two `dask worker` processes on loopback):
the same items as the process pool, and a worker killed in the middle of a run loses nothing."""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.builders.archives import zip_bytes
from tests.builders.seizure import build_mixed_seizure, photo_bytes
from tests.matching.builders import flip_bits, write_csv

DASK = Path(sys.executable).with_name("dask")
VIGIL = [sys.executable, "-m", "vigil.cli.main"]
START_TIMEOUT_S = 60.0


# -- a cluster of real processes on loopback -------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LoopbackCluster:
    """A `dask scheduler` and two `dask worker`s, each in its own process group so that a kill
    takes the worker's nanny with it and teardown leaves nothing behind."""

    folder: Path
    port: int = field(default_factory=_free_port)
    scheduler: subprocess.Popen[bytes] | None = None
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.scheduler = self._spawn(
            "scheduler",
            ["scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard"],
        )
        self.ensure_two_workers()

    def ensure_two_workers(self) -> None:
        for name in ("worker-a", "worker-b"):
            process = self.workers.get(name)
            if process is None or process.poll() is not None:
                self.workers[name] = self._spawn(name, self._worker_arguments(name))
        self._wait_for_workers({"worker-a", "worker-b"})

    def address_of(self, name: str) -> str:
        with self.client() as client:
            workers = client.scheduler_info(n_workers=-1)["workers"]
        return next(address for address, info in workers.items() if info["name"] == name)

    def plugins_by_worker(self) -> dict[str, list[str]]:
        with self.client() as client:
            # A lambda travels by value: the workers cannot import this test module.
            return dict(client.run(lambda dask_worker: sorted(dask_worker.plugins)))

    def kill(self, name: str) -> None:
        process = self.workers.pop(name)
        _kill_group(process)

    def stop(self) -> None:
        for process in [*self.workers.values(), self.scheduler]:
            if process is not None:
                _kill_group(process)

    def client(self) -> Any:
        from distributed import Client

        return Client(self.address, timeout=START_TIMEOUT_S, set_as_default=False)

    def _worker_arguments(self, name: str) -> list[str]:
        return [
            "worker", self.address, "--name", name, "--nthreads", "1", "--nworkers", "1",
            "--no-dashboard", "--memory-limit", "0",
            "--local-directory", str(self.folder / name),
            "--death-timeout", "60",  # never outlives a test run whose teardown was skipped
        ]  # fmt: skip

    def _spawn(self, name: str, arguments: list[str]) -> subprocess.Popen[bytes]:
        with open(self.folder / f"{name}.log", "ab") as log:
            return subprocess.Popen(
                [str(DASK), *arguments],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=self.folder,
            )

    def _wait_for_workers(self, names: set[str]) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        with self.client() as client:
            while time.monotonic() < deadline:
                workers = client.scheduler_info(n_workers=-1)["workers"].values()
                if {info["name"] for info in workers} == names:
                    return
                time.sleep(0.1)
        logs = {log.name: log.read_text()[-2000:] for log in self.folder.glob("*.log")}
        raise AssertionError(f"the Dask workers did not connect in time: {logs}")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):  # exited on its own meanwhile
            os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def loopback_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackCluster]:
    cluster = LoopbackCluster(tmp_path_factory.mktemp("dask-cluster"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def cluster(loopback_cluster: LoopbackCluster, django_instance: Path) -> LoopbackCluster:
    loopback_cluster.ensure_two_workers()  # a test before may have killed one
    return loopback_cluster


# -- what a triaged case holds ---------------------------------------------------------------------
def _triage(case: str, root: Path, **options: Any) -> Any:
    from vigil.pipeline.service import triage

    return triage(case, root, **options)


def _case_contents(case: str) -> list[tuple[object, ...]]:
    """Every item with everything an executor could change: origin, content hashes, outcome,
    image facts, parentage and known-material matches."""
    from vigil.records.cases.models import Item

    items = Item.objects.filter(case__name=case).select_related("blob", "parent")
    rows = []
    for item in items.prefetch_related("matches__hash_list"):
        blob = item.blob
        rows.append(
            (
                tuple(item.origin),
                item.kind,
                item.status,
                item.error_code,
                sorted(issue["code"] for issue in item.issues),
                item.extension_mismatch,
                (blob.md5, blob.sha1, blob.sha256, blob.pdq, blob.width, blob.thumbnails)
                if blob
                else None,
                tuple(item.parent.origin) if item.parent else None,
                item.match_status,
                sorted((m.hash_list.name, m.kind, m.distance) for m in item.matches.all()),
            )
        )
    return sorted(rows, key=repr)


@pytest.fixture
def known_list(tmp_path: Path, django_instance: Path) -> Iterator[str]:
    """A hash list that knows one photo exactly, one archive member by SHA-256 and one photo
    only by a PDQ hash a few bits away; removed afterwards, as other tests share the instance."""
    import hashlib

    from vigil.matching.importer import ListOptions, delete_list, import_list
    from vigil.media.image import analyze_image

    near_pdq = analyze_image(photo_bytes(5)).pdq
    assert near_pdq is not None
    rows = [
        {"md5": hashlib.md5(photo_bytes(3)).hexdigest(), "category": "1"},
        {"sha256": hashlib.sha256(photo_bytes(101)).hexdigest(), "category": "2"},
        {"pdq": flip_bits(near_pdq, [3, 60, 200]), "category": "3"},
    ]
    name = f"dask-known-{random.getrandbits(32):08x}"
    result = import_list(write_csv(tmp_path / "known.csv", rows), ListOptions(name=name), actor="t")
    yield name
    delete_list(result.hash_list)


# -- the tests -------------------------------------------------------------------------------------
@pytest.mark.slow
def test_dask_gives_the_same_items_hashes_and_matches_as_the_process_pool(
    cluster: LoopbackCluster, known_list: str, tmp_path: Path, case_name: str
) -> None:
    seizure = build_mixed_seizure(tmp_path / "seizure")
    _triage(f"{case_name}-pool", seizure.root, executor="process", workers=2)
    summary, _ = _triage(
        f"{case_name}-dask", seizure.root, executor="dask", scheduler=cluster.address
    )

    assert summary.enumerated == seizure.expected_items and summary.adds_up
    assert all("vigil-triage" in names for names in cluster.plugins_by_worker().values())
    on_dask = _case_contents(f"{case_name}-dask")
    assert on_dask == _case_contents(f"{case_name}-pool")
    matched = [row for row in on_dask if row[-1]]
    assert {kind for row in matched for _, kind, _ in row[-1]} == {
        "exact_md5",
        "exact_sha256",
        "near_pdq",
    }


def _corpus(root: Path) -> int:
    """Small files, enough that a first batch of results (at most 256) leaves many in flight,
    and an archive whose members are tasks of their own (read from the store, not the source)."""
    for index in range(400):
        folder = root / f"camera-{index % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"IMG_{index:04d}.jpg").write_bytes(photo_bytes(index))
    members = {f"chat/{index}.jpg": photo_bytes(5000 + index) for index in range(30)}
    (root / "export.zip").write_bytes(zip_bytes(members))
    return 400 + 1 + 30


@dataclass
class _Kill:
    """Kills a worker while it is running tasks, once the run has written its first items."""

    cluster: LoopbackCluster
    victim: str
    started: threading.Event = field(default_factory=threading.Event)
    over: threading.Event = field(default_factory=threading.Event)
    written_at_kill: int | None = None
    tasks_on_victim: int = 0
    written: int = 0

    def on_progress(self, done: int, total: int) -> None:
        self.written = done
        if done:
            self.started.set()

    def run(self) -> None:
        if not self.started.wait(START_TIMEOUT_S):
            return
        address = self.cluster.address_of(self.victim)
        with self.cluster.client() as client:
            deadline = time.monotonic() + START_TIMEOUT_S
            while not self.over.is_set() and time.monotonic() < deadline:
                running = client.processing(workers=[address]).get(address, [])
                if running:
                    self.written_at_kill = self.written
                    self.tasks_on_victim = len(running)
                    self.cluster.kill(self.victim)
                    return
                time.sleep(0.005)


@pytest.mark.slow
def test_killing_a_dask_worker_in_the_middle_of_a_run_loses_nothing(
    cluster: LoopbackCluster, tmp_path: Path, case_name: str
) -> None:
    corpus = tmp_path / "corpus"
    expected = _corpus(corpus)
    _triage(f"{case_name}-clean", corpus, executor="process", workers=2)

    kill = _Kill(cluster, victim="worker-b")
    killer = threading.Thread(target=kill.run)
    killer.start()
    try:
        summary, stats = _triage(
            f"{case_name}-killed",
            corpus,
            executor="dask",
            scheduler=cluster.address,
            on_progress=kill.on_progress,
        )
    finally:
        kill.over.set()  # a run that ended before the kill must not leave the killer waiting
        kill.started.set()
        killer.join()

    assert kill.written_at_kill is not None, "the worker was never seen running a task"
    assert kill.tasks_on_victim >= 1
    assert kill.written_at_kill < expected, "the run finished before the kill; enlarge the corpus"
    assert summary.enumerated == expected and summary.adds_up and summary.failed == 0
    assert stats.items_written == expected
    assert _case_contents(f"{case_name}-killed") == _case_contents(f"{case_name}-clean")


@pytest.mark.slow
def test_a_worker_that_does_not_see_the_store_stops_the_run_before_it_starts(
    cluster: LoopbackCluster, tmp_path: Path
) -> None:
    from vigil.pipeline.executors.dask import ClusterUnavailable, DaskExecutor
    from vigil.pipeline.executors.workloads import triage_workload
    from vigil.pipeline.tasks import WorkerConfig

    elsewhere = tmp_path / "not-the-shared-store"
    with pytest.raises(ClusterUnavailable) as raised:
        DaskExecutor(triage_workload(WorkerConfig(store_root=str(elsewhere))), cluster.address)
    assert str(elsewhere) in str(raised.value)
    assert cluster.address_of("worker-a") in str(raised.value)


def test_a_scheduler_that_does_not_answer_is_a_clear_error_naming_it(tmp_path: Path) -> None:
    from vigil.pipeline.executors.dask import ClusterUnavailable, DaskExecutor
    from vigil.pipeline.executors.workloads import triage_workload
    from vigil.pipeline.tasks import WorkerConfig

    address = f"tcp://127.0.0.1:{_free_port()}"
    workload = triage_workload(WorkerConfig(store_root=str(tmp_path)))
    started = time.monotonic()
    with pytest.raises(ClusterUnavailable, match=re.escape(f"Dask scheduler at {address}")):
        DaskExecutor(workload, address, connect_timeout=0.5)
    assert time.monotonic() - started < 10


@pytest.mark.slow
def test_the_dask_executor_without_a_scheduler_is_refused_before_anything_is_recorded(
    tmp_path: Path,
) -> None:
    environment = {k: v for k, v in os.environ.items() if k != "VIGIL_DASK_SCHEDULER"}
    environment["VIGIL_HOME"] = str(tmp_path / "home")
    (tmp_path / "seizure").mkdir()
    done = subprocess.run(
        [*VIGIL, "triage", str(tmp_path / "seizure"), "--case", "x", "--executor", "dask"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "--scheduler" in done.stderr and "VIGIL_DASK_SCHEDULER" in done.stderr
    assert not (tmp_path / "home" / "vigil.sqlite3").exists()


@pytest.mark.slow
def test_the_dask_worker_side_imports_without_django() -> None:
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    check = (
        "import sys, vigil.pipeline.dask_plugin; "
        "loaded = [m for m in sys.modules if m.startswith(('django.db', 'vigil.web'))]; "
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", check], env=environment, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_scheduler_given_as_host_and_port_means_tcp(monkeypatch: pytest.MonkeyPatch) -> None:
    from vigil.config import dask_scheduler

    monkeypatch.setenv("VIGIL_DASK_SCHEDULER", "10.0.0.5:8786")
    assert dask_scheduler() == "tcp://10.0.0.5:8786"
    assert dask_scheduler("tls://cluster.example:8786") == "tls://cluster.example:8786"
    monkeypatch.delenv("VIGIL_DASK_SCHEDULER")
    assert dask_scheduler() is None


@pytest.mark.parametrize("value", ["cluster", "tcp://host", "http://host:8786", "host:port"])
def test_a_malformed_scheduler_address_is_refused_naming_where_it_came_from(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    from vigil.config import ConfigError, dask_scheduler

    monkeypatch.setenv("VIGIL_DASK_SCHEDULER", value)
    with pytest.raises(ConfigError, match="VIGIL_DASK_SCHEDULER"):
        dask_scheduler()
    with pytest.raises(ConfigError, match="--scheduler"):
        dask_scheduler(value)
