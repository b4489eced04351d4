"""A pool of worker processes on this machine (the embedded default: one per core).

Workers start from a fork server, not by forking the coordinator, so they never inherit its
database connection; each loads the worker module once and is replaced after a number of
tasks so a leak in a decoder cannot grow memory without bound.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor

from vigil.pipeline.tasks import IngestResult, IngestTask, WorkerConfig
from vigil.pipeline.worker import ingest

TASKS_PER_WORKER = 2000

_config: WorkerConfig | None = None


def _init_worker(config: WorkerConfig) -> None:
    global _config
    _config = config


def _run(task: IngestTask) -> IngestResult:
    assert _config is not None, "worker not initialised"
    return ingest(task, _config)


class ProcessPoolExecutorAdapter:
    name = "process"

    def __init__(self, config: WorkerConfig, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["vigil.pipeline.worker"])
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(config,),
            max_tasks_per_child=TASKS_PER_WORKER,
        )

    def submit(self, task: IngestTask) -> Future[IngestResult]:
        return self._pool.submit(_run, task)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
