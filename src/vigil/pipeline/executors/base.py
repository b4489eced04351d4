"""An executor runs worker tasks somewhere and hands back futures; the coordinator is the same
whichever runs them, and so are the executors whichever work they run (triage's ingest, a
governed tool's analysis): that is a `Workload`."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Generic, Protocol, TypeAlias, TypeVar

from vigil.pipeline.tasks import IngestResult, IngestTask

TaskT = TypeVar("TaskT")
ConfigT = TypeVar("ConfigT")
ResultT = TypeVar("ResultT")
_TaskIn = TypeVar("_TaskIn", contravariant=True)


class TaskExecutor(Protocol[_TaskIn, ResultT]):
    """Runs tasks on `workers` workers. `submit` does not raise for a broken executor: the
    future carries a BrokenProcessPool, so the coordinator learns it in one place. `shutdown`
    may be called more than once."""

    name: str
    workers: int

    def submit(self, task: _TaskIn) -> Future[ResultT]: ...

    def shutdown(self) -> None: ...


#: The executor of a triage run (the coordinator in vigil.pipeline.triage knows it by this name).
Executor: TypeAlias = TaskExecutor[IngestTask, IngestResult]


@dataclass(frozen=True, slots=True)
class Workload(Generic[TaskT, ConfigT, ResultT]):
    """One kind of work, as every executor needs to know it.

    `function(task, config)` is what a worker runs; a module-level function, so that it pickles
    by name and a worker process or a Dask worker imports it. `config` is what every task of a
    run shares: it travels once per process pool worker. Workers read and write the evidence
    store at `store_root`, which a Dask worker must see where the coordinator does. `crashed`
    turns a reason into the result of a task whose workers kept dying, so that it is recorded
    rather than lost. `preload` names modules worth importing before the first task (the
    analyzers take 0.3 s a process)."""

    name: str  # "triage", "analysis": names the warm-up plugin on a Dask cluster
    function: Callable[[TaskT, ConfigT], ResultT]
    config: ConfigT
    store_root: str
    crashed: Callable[[str], ResultT]
    preload: tuple[str, ...] = ()

    @property
    def modules(self) -> tuple[str, ...]:
        """What a worker process imports before its first task."""
        return (self.function.__module__, *self.preload)
