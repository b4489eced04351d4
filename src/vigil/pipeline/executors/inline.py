"""Runs each task at once in the calling process: for tests, debugging and tiny sources."""

from __future__ import annotations

from concurrent.futures import Future

from vigil.pipeline.tasks import IngestResult, IngestTask, WorkerConfig
from vigil.pipeline.worker import ingest


class InlineExecutor:
    name = "inline"
    workers = 1

    def __init__(self, config: WorkerConfig) -> None:
        self._config = config

    def submit(self, task: IngestTask) -> Future[IngestResult]:
        future: Future[IngestResult] = Future()
        try:
            future.set_result(ingest(task, self._config))
        except BaseException as error:
            future.set_exception(error)
        return future

    def shutdown(self) -> None:
        return None
