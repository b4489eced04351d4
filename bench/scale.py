"""Scale-out benchmark: `vigil triage` on a Dask cluster of 1 and 2 workers against the process
pool, on the same corpus, measured in the same run.

    .venv/bin/python bench/scale.py [--quick] [--scale 1.0] [--pool-workers 2]
                                    [--dask-workers 1,2] [--overhead-files 600]

Each configuration is the real `vigil triage` in a subprocess with a fresh instance folder. The
Dask cluster (`dask scheduler` and `dask worker --nthreads 1` processes on loopback) is started
before the clock starts, as it is long-lived in production. Two corpora:

- the camera corpus of bench/corpus.py (12 MP and 1080p JPEGs, PNGs): throughput when the
  workers' decoding and hashing dominate, i.e. how far adding workers helps;
- tiny files (a few bytes each): the per-item cost outside the workers (coordinator, database,
  Dask scheduler and client), i.e. the ceiling no number of workers can pass.

Figures are files/s over the wall clock of `vigil triage`, and the ratio to the process pool.
Peak RSS is sampled every 0.1 s: the largest single process, and the sum of the peaks of the
coordinator's tree, the scheduler and each worker's tree (an upper bound of the true peak sum).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

if __package__ in (None, ""):  # run as a script: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import DEFAULT_ROOT, build_corpus, corpus_dir, scaled_counts
from bench.ingest import (
    MB,
    MIB,
    IngestError,
    TreeMemorySampler,
    fresh_home,
    vigil_executable,
    warm_page_cache,
)

DASK = Path(sys.executable).with_name("dask")
CLUSTER_START_TIMEOUT_S = 120.0


@dataclass
class Run:
    label: str
    files: int
    bytes: int
    seconds: float
    internal_seconds: float | None = None
    peak_rss_largest: int = 0
    peak_rss_sum: int = 0
    warning: str | None = None
    ratio: float | None = None  # files/s against the process pool on the same corpus

    @property
    def files_per_s(self) -> float:
        return self.files / self.seconds if self.seconds else 0.0


@dataclass
class Workload:
    name: str
    images: Path
    files: int
    bytes: int
    runs: list[Run] = field(default_factory=list)


# -- a Dask cluster on loopback ----------------------------------------------------------------
class LoopbackCluster:
    """`dask scheduler` and `workers` single-threaded `dask worker`s, each process in its own
    session so that stopping kills every process it started (nannies included)."""

    def __init__(self, workers: int, folder: Path) -> None:
        self.workers = workers
        self.folder = folder
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        self.processes: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> LoopbackCluster:
        try:
            port = self.address.rsplit(":", 1)[1]
            self._spawn("scheduler", "scheduler", "--host", "127.0.0.1", "--port", port)
            for index in range(self.workers):
                self._spawn(
                    f"worker-{index}", "worker", self.address, "--nthreads", "1",
                    "--nworkers", "1", "--memory-limit", "0", "--death-timeout", "60",
                    "--local-directory", str(self.folder / f"worker-{index}"),
                )  # fmt: skip
            self._wait_for_workers()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):  # exited meanwhile
                    os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self.processes]

    def _spawn(self, name: str, *arguments: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / f"{name}.log", "ab") as log:
            self.processes.append(
                subprocess.Popen(
                    [str(DASK), *arguments, "--no-dashboard"],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    def _wait_for_workers(self) -> None:
        from distributed import Client

        with Client(self.address, timeout=CLUSTER_START_TIMEOUT_S, set_as_default=False) as client:
            client.wait_for_workers(self.workers, timeout=CLUSTER_START_TIMEOUT_S)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- one measured `vigil triage` ---------------------------------------------------------------
def measure(
    workload: Workload, label: str, options: Sequence[str], data_root: Path, cluster_pids: list[int]
) -> Run:
    vigil = vigil_executable()
    with fresh_home(data_root, prefix="vigil-scale-home-") as home:
        env = {**os.environ, "VIGIL_HOME": str(home), "VIGIL_EVIDENCE_ROOTS": str(workload.images)}
        init = subprocess.run([str(vigil), "init"], env=env, capture_output=True, text=True)
        if init.returncode != 0:
            raise IngestError(f"vigil init failed: {init.stderr[-2000:]}")
        summary_path = home / "summary.json"
        command = [
            str(vigil), "triage", str(workload.images), "--case", "bench", "--quiet",
            "--json-summary", str(summary_path), *options,
        ]  # fmt: skip
        with ExitStack() as stack, tempfile.TemporaryFile("w+") as stderr:
            cluster = [stack.enter_context(TreeMemorySampler(pid)) for pid in cluster_pids]
            started = time.perf_counter()
            process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
            with TreeMemorySampler(process.pid) as coordinator:
                returncode = process.wait()
            seconds = time.perf_counter() - started
            stderr.seek(0)
            errors = stderr.read()
        if returncode != 0:
            raise IngestError(f"{label}: vigil triage failed (exit {returncode}): {errors[-2000:]}")
        summary = json.loads(summary_path.read_text())
    samplers = [coordinator, *cluster]
    run = Run(
        label,
        workload.files,
        workload.bytes,
        seconds,
        internal_seconds=summary["run"]["seconds"],
        peak_rss_largest=max(sampler.peak_largest for sampler in samplers),
        peak_rss_sum=sum(sampler.peak_sum for sampler in samplers),
    )
    source = summary["sources"][0]
    if summary["items"] != workload.files or source["failed"]:
        run.warning = (
            f"expected {workload.files} items, none failed; got {summary['items']} items, "
            f"{source['failed']} failed"
        )
    return run


# -- the workloads -----------------------------------------------------------------------------
def camera_workload(root: Path, scale: float, quick: bool, seed: int) -> Workload:
    full = corpus_dir(root, 1.0, quick)
    corpus = build_corpus(
        corpus_dir(root, scale, quick), *scaled_counts(scale, quick), seed=seed, reuse_from=[full]
    )
    warm_page_cache(corpus)
    return Workload("camera photos", corpus.images, len(corpus.files), corpus.total_bytes)


def tiny_workload(root: Path, files: int) -> Workload:
    """`files` distinct files of a few bytes: almost no work per file inside a worker."""
    images = root / f"scale-tiny-{files}" / "images"
    images.mkdir(parents=True, exist_ok=True)
    total = 0
    for index in range(files):
        path = images / f"{index // 100:03d}" / f"note-{index:05d}.txt"
        content = f"note {index}\n".encode()
        if not path.is_file():
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(content)
        total += len(content)
    return Workload("tiny files", images, files, total)


def run_workload(
    workload: Workload, pool_workers: int, dask_workers: Sequence[int], data_root: Path
) -> None:
    baseline = measure(
        workload, f"process pool, {pool_workers}", ["--workers", str(pool_workers)], data_root, []
    )
    baseline.ratio = 1.0
    workload.runs.append(baseline)
    for count in dask_workers:
        folder = Path(tempfile.mkdtemp(prefix="vigil-scale-dask-", dir=data_root))
        try:
            with LoopbackCluster(count, folder) as cluster:
                run = measure(
                    workload,
                    f"dask, {count} worker{'s' if count > 1 else ''}",
                    ["--executor", "dask", "--scheduler", cluster.address],
                    data_root,
                    cluster.pids,
                )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        run.ratio = run.files_per_s / baseline.files_per_s
        workload.runs.append(run)


# -- reporting ---------------------------------------------------------------------------------
def print_workload(workload: Workload) -> None:
    print(f"\n{workload.name}: {workload.files:,} files, {workload.bytes / MB:,.1f} MB")
    print(
        f"{'':22}{'seconds':>9}{'(vigil)':>9}{'files/s':>9}{'ratio':>7}"
        f"{'peak RSS largest':>18}{'sum':>10}"
    )
    for run in workload.runs:
        internal = f"{run.internal_seconds:>9.1f}" if run.internal_seconds else f"{'':>9}"
        print(
            f"{run.label:<22}{run.seconds:>9.1f}{internal}{run.files_per_s:>9.1f}"
            f"{run.ratio or 0:>7.2f}{run.peak_rss_largest / MIB:>14,.0f} MiB"
            f"{run.peak_rss_sum / MIB:>6,.0f} MiB"
        )
        if run.warning:
            print(f"  WARNING: {run.warning}")


def write_results(path: Path, workloads: Sequence[Workload], pool_workers: int) -> None:
    document = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_bytes": psutil.virtual_memory().total,
            "python": platform.python_version(),
        },
        "pool_workers": pool_workers,
        "workloads": [
            {
                "name": w.name,
                "files": w.files,
                "bytes": w.bytes,
                "runs": [{**asdict(r), "files_per_s": r.files_per_s} for r in w.runs],
            }
            for w in workloads
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny camera corpus (40+40+10)")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the camera corpus")
    parser.add_argument("--pool-workers", type=int, default=2)
    parser.add_argument("--dask-workers", default="1,2", help="cluster sizes, e.g. 1,2,4")
    parser.add_argument("--overhead-files", type=int, default=600, help="tiny files; 0: skip")
    parser.add_argument("--data", type=Path, default=DEFAULT_ROOT, help="corpora and results")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    args.dask_list = [int(n) for n in args.dask_workers.split(",") if n.strip()]
    if args.pool_workers < 1 or args.scale <= 0 or any(n < 1 for n in args.dask_list):
        parser.error("worker counts and --scale must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    workloads = [camera_workload(args.data, args.scale, args.quick, args.seed)]
    if args.overhead_files:
        workloads.append(tiny_workload(args.data, args.overhead_files))
    print(f"{os.cpu_count()} CPUs; Dask workers run one thread each; cluster start-up not timed")
    for workload in workloads:
        run_workload(workload, args.pool_workers, args.dask_list, args.data)
        print_workload(workload)
    out = args.data / "scale-results.json"
    write_results(out, workloads, args.pool_workers)
    print(f"\nFigures written to {out}")
    return 1 if any(run.warning for w in workloads for run in w.runs) else 0


if __name__ == "__main__":
    sys.exit(main())
