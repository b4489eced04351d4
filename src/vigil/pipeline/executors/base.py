"""An executor runs worker tasks somewhere and hands back futures; the coordinator is the same
whichever runs them."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Protocol

from vigil.pipeline.tasks import IngestResult, IngestTask


class Executor(Protocol):
    name: str
    workers: int

    def submit(self, task: IngestTask) -> Future[IngestResult]: ...

    def shutdown(self) -> None: ...
