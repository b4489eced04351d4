"""Runs each task at once in the calling process: for tests, debugging and tiny sources."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Generic

from vigil.pipeline.executors.base import ConfigT, ResultT, TaskT, Workload


class InlineExecutor(Generic[TaskT, ConfigT, ResultT]):
    name = "inline"
    workers = 1

    def __init__(self, workload: Workload[TaskT, ConfigT, ResultT]) -> None:
        self._workload = workload

    def submit(self, task: TaskT) -> Future[ResultT]:
        future: Future[ResultT] = Future()
        try:
            future.set_result(self._workload.function(task, self._workload.config))
        except BaseException as error:
            future.set_exception(error)
        return future

    def shutdown(self) -> None:
        return None
