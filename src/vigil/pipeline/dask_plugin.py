"""What runs on a Dask worker: the task wrapper, the check that the worker sees the evidence
store, and the plugin that readies a worker once when it joins. No Django, no database: a Dask
worker imports only this module and the pure worker modules a workload names.
"""

from __future__ import annotations

import importlib
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from distributed import WorkerPlugin

from vigil.store.evidence import EvidenceStore

if TYPE_CHECKING:
    from distributed import Worker

logger = logging.getLogger(__name__)

TaskT = TypeVar("TaskT")
ConfigT = TypeVar("ConfigT")
ResultT = TypeVar("ResultT")

_visible_stores: set[str] = set()  # store roots this process has verified


class StoreNotVisible(RuntimeError):
    """This worker does not see the evidence store where the coordinator keeps it."""


def store_problem(store_root: str) -> str | None:
    """Why this process cannot use the evidence store at `store_root`, or None if it can.

    A store that is missing or read-only here would turn every file into an `unreadable_file`
    item, so it is checked before the first task rather than discovered item by item.
    """
    store = EvidenceStore(Path(store_root))
    for folder in (store.blobs, store.thumbs, store.tmp):
        if not folder.is_dir():
            return f"{folder} is not a folder here (is the shared store mounted at that path?)"
    try:
        # Named like the store's own partial writes (<pid>-...), so a stale one is cleaned up.
        with tempfile.NamedTemporaryFile(dir=store.tmp, prefix=f"{os.getpid()}-probe-"):
            pass
    except OSError as error:
        return f"cannot write to {store.tmp}: {error.strerror}"
    return None


def ensure_store_visible(store_root: str) -> None:
    if store_root in _visible_stores:
        return
    problem = store_problem(store_root)
    if problem is not None:
        raise StoreNotVisible(problem)
    _visible_stores.add(store_root)


def run_task(
    function: Callable[[TaskT, ConfigT], ResultT], task: TaskT, config: ConfigT, store_root: str
) -> ResultT:
    """The Dask task. The configuration travels with each task (a few hundred bytes), so runs
    with different stores can share one cluster and no worker depends on state left by a run."""
    ensure_store_visible(store_root)
    return function(task, config)


def plugin_name(workload: str) -> str:
    return f"vigil-{workload}"


class WarmUpPlugin(WorkerPlugin):
    """Readies a worker process once, when it joins, instead of on its first task: imports the
    workload's worker modules (with them its analyzers, their decoders and hash libraries) and
    loads what they load lazily. (No triage step uses a model yet; one that does loads it in
    `warm_up`.)

    Its setup never raises: a plugin stays registered on the scheduler after the run, and a
    failing setup would stop every worker that joins later from starting. Problems with the
    store are found by the coordinator's check and by each task instead.
    """

    idempotent = True  # one plugin serves every run of its workload: it holds no run's state

    def __init__(self, modules: tuple[str, ...]) -> None:
        self.modules = modules

    def setup(self, worker: Worker) -> None:
        # A `dask worker` is not started by `vigil`: what it writes in the store stays private.
        os.umask(0o077)
        started = time.perf_counter()
        try:
            for module in self.modules:
                importlib.import_module(module)
            warm_up()
        except Exception:  # a worker that cannot warm up still reports it on its first task
            logger.exception("vigil warm-up failed")
            return
        logger.info("vigil worker code loaded in %.2f s", time.perf_counter() - started)


def warm_up() -> None:
    from PIL import Image

    Image.init()  # registers every Pillow format plug-in now rather than on the first odd file
