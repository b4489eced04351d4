"""A pool of worker processes on this machine (the embedded default: one per core).

Workers start from a fork server, not by forking the coordinator, so they never inherit its
database connection; each loads the worker modules once and is replaced after a number of
tasks so a leak in a decoder cannot grow memory without bound.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic

from vigil.pipeline.executors.base import ConfigT, ResultT, TaskT, Workload

TASKS_PER_WORKER = 2000

# The workload of this worker process, installed once when it starts.
_function: Callable[[Any, Any], Any] | None = None
_config: Any = None


def _install(function: Callable[[Any, Any], Any], config: Any) -> None:
    global _function, _config
    _function, _config = function, config


def _run(task: Any) -> Any:
    assert _function is not None, "worker not initialised"
    return _function(task, _config)


class ProcessPoolExecutorAdapter(Generic[TaskT, ConfigT, ResultT]):
    name = "process"

    def __init__(
        self, workload: Workload[TaskT, ConfigT, ResultT], workers: int | None = None
    ) -> None:
        self.workers = workers or os.cpu_count() or 1
        context = multiprocessing.get_context("forkserver")
        # One fork server serves the coordinator process: the preload of the first pool stands.
        context.set_forkserver_preload([__name__, *workload.modules])
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_install,
            initargs=(workload.function, workload.config),
            max_tasks_per_child=TASKS_PER_WORKER,
        )

    def submit(self, task: TaskT) -> Future[ResultT]:
        try:
            return self._pool.submit(_run, task)
        except BrokenProcessPool as error:
            # A worker died since the last results were collected: say so through the future,
            # where the coordinator looks for it, rather than in the middle of submitting.
            broken: Future[ResultT] = Future()
            broken.set_exception(error)
            return broken

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
