"""Picks an executor by name and makes new ones of it on demand: a coordinator replaces a broken
executor with a fresh one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from vigil import config
from vigil.pipeline.executors.base import ConfigT, ResultT, TaskExecutor, TaskT, Workload
from vigil.pipeline.executors.dask import DaskExecutor
from vigil.pipeline.executors.inline import InlineExecutor
from vigil.pipeline.executors.process import ProcessPoolExecutorAdapter

ExecutorName = Literal["inline", "process", "dask"]


def executor_factory(
    name: ExecutorName,
    workload: Workload[TaskT, ConfigT, ResultT],
    workers: int | None,
    scheduler: str | None = None,
) -> Callable[[], TaskExecutor[TaskT, ResultT]]:
    """`workers` sizes the process pool (None: one per core); `scheduler` is the Dask
    scheduler's address, else VIGIL_DASK_SCHEDULER. Raises ConfigError, before anything runs,
    for Dask without a scheduler."""
    if name == "inline":
        return lambda: InlineExecutor(workload)
    if name == "dask":
        address = config.dask_scheduler(scheduler)
        if address is None:
            raise config.ConfigError(
                "the Dask executor needs a scheduler: --scheduler tcp://HOST:8786 or "
                "VIGIL_DASK_SCHEDULER"
            )
        return lambda: DaskExecutor(workload, address)
    return lambda: ProcessPoolExecutorAdapter(workload, workers)
