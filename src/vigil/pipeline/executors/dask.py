"""Runs a workload's tasks on a Dask cluster: `vigil triage ... --executor dask --scheduler URL`.

The coordinator stays on this machine and alone writes the database. Dask workers, on as many
machines as the cluster has, read the evidence and write the store; they must see both where
the coordinator sees them (the same paths, on a shared mount). The cluster belongs to the
operator: this executor only connects a client, and closing it leaves the cluster running.

Losing a worker loses nothing: the scheduler runs its tasks again on another worker (tasks are
submitted impure, so a resubmitted task always runs). A task whose workers keep dying
(`distributed.scheduler.allowed-failures`, 3 by default) becomes the workload's crashed result
(a `worker_crashed` item), as with the process pool. Losing the scheduler breaks the executor the
way a dead process pool does: the coordinator connects again and retries what was in flight
once, or stops with a clear error.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Generic

from vigil.pipeline.executors.base import ConfigT, ResultT, TaskT, Workload

# `distributed` and the worker side are imported inside the methods: importing them takes about
# 0.6 s, which every `vigil triage` would pay, Dask or not, for the exceptions below.
if TYPE_CHECKING:
    from dask.typing import Key
    from distributed import Client
    from distributed import Future as DaskFuture

CONNECT_TIMEOUT_S = 10.0
# The coordinator keeps 4 tasks in flight per `workers`: enough when a local pool hands a result
# back in microseconds. From Dask a result takes a few network round trips, so each thread of
# the cluster counts as this many workers (tiny files through two workers on loopback: 2.4x
# the throughput). The extra tasks wait at the scheduler; a worker still runs one per thread.
WORKERS_PER_THREAD = 8

KILLED_WORKER = (
    "The Dask workers running this item died repeatedly while it was in progress (a decoder "
    "crash or out of memory); the item is recorded without analysis."
)

_Finished = tuple[Future[ResultT], "DaskFuture"]  # the coordinator's future, Dask's


class ClusterUnavailable(RuntimeError):
    """The scheduler does not answer, no worker is connected, or a worker cannot use the store."""


class ClusterBroken(BrokenProcessPool):
    """The tasks in flight are lost with the connection to the scheduler, or a worker turned out
    not to see the store. A BrokenProcessPool because that is what the coordinator treats as a
    broken executor: it starts a new one and retries the tasks that were in flight."""


class DaskExecutor(Generic[TaskT, ConfigT, ResultT]):
    name = "dask"

    def __init__(
        self,
        workload: Workload[TaskT, ConfigT, ResultT],
        address: str,
        *,
        connect_timeout: float = CONNECT_TIMEOUT_S,
    ) -> None:
        self.address = address
        self._workload = workload
        # A distributed future that is garbage collected is released, and its task may be
        # dropped: each is kept here until its result has been handed over.
        self._running: dict[Key, DaskFuture] = {}
        self._finished: queue.SimpleQueue[_Finished[ResultT] | None] = queue.SimpleQueue()
        self._client = _connect(address, connect_timeout)
        try:
            self.threads = self._ready_workers(connect_timeout)
        except BaseException:
            self._client.close()
            raise
        self._collector = threading.Thread(
            target=self._hand_over_results, name="vigil-dask-results", daemon=True
        )
        self._collector.start()
        self.workers = self.threads * WORKERS_PER_THREAD

    def submit(self, task: TaskT) -> Future[ResultT]:
        from vigil.pipeline.dask_plugin import run_task

        work = self._workload
        bridged: Future[ResultT] = Future()
        # No retries: an exception is the item's outcome, recorded as with the process pool. A
        # lost worker raises nothing here; the scheduler runs its tasks again by itself.
        remote = self._client.submit(
            run_task, work.function, task, work.config, work.store_root, pure=False, retries=0
        )
        self._running[remote.key] = remote
        remote.add_done_callback(lambda done: self._finished.put((bridged, done)))
        return bridged

    def shutdown(self) -> None:
        self._finished.put(None)
        # Only the client closes; tasks nobody waits for any more are dropped by the scheduler.
        # Closing a client that is trying to reconnect cancels the attempt, which Dask logs with
        # a traceback that says nothing the coordinator's own error does not.
        dask_client_log = logging.getLogger("distributed.client")
        level = dask_client_log.level
        if self._client.status == "connecting":
            dask_client_log.setLevel(logging.CRITICAL)
        try:
            self._client.close()
        finally:
            dask_client_log.setLevel(level)
        self._collector.join(timeout=CONNECT_TIMEOUT_S)

    def _ready_workers(self, timeout: float) -> int:
        """Waits for a worker, readies every worker for the workload, checks that each sees the
        store; returns the threads of the whole cluster."""
        from vigil.pipeline.dask_plugin import WarmUpPlugin, plugin_name, store_problem

        try:
            self._client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            raise ClusterUnavailable(
                f"no Dask worker is connected to the scheduler at {self.address} "
                f"(waited {timeout:g} s); start some with `dask worker {self.address}`"
            ) from None
        work = self._workload
        self._client.register_plugin(WarmUpPlugin(work.modules), name=plugin_name(work.name))
        problems = self._client.run(store_problem, work.store_root)
        unusable = {worker: problem for worker, problem in problems.items() if problem}
        if unusable:
            listed = "; ".join(f"{worker}: {problem}" for worker, problem in unusable.items())
            raise ClusterUnavailable(f"Dask workers cannot use the evidence store: {listed}")
        return max(1, sum(self._client.nthreads().values()))

    def _hand_over_results(self) -> None:
        """Runs on its own thread: hands each finished task's outcome to the coordinator."""
        while True:
            batch = [self._finished.get()]
            while not self._finished.empty():
                batch.append(self._finished.get())
            finished = [pair for pair in batch if pair is not None]
            for _, remote in finished:
                self._running.pop(remote.key, None)
            self._hand_over([pair for pair in finished if pair[1].status == "finished"])
            for bridged, remote in finished:
                if remote.status != "finished":
                    self._settle(bridged, remote)
            if None in batch:
                return

    def _hand_over(self, succeeded: list[_Finished[ResultT]]) -> None:
        """Fetches the results of all the tasks that finished meanwhile in one round trip to the
        cluster: one trip per result would cap a run at a few hundred items per second."""
        if not succeeded:
            return
        try:
            results = self._client.gather([remote for _, remote in succeeded])
        except BaseException:  # a result was lost on the way: take them one by one
            for bridged, remote in succeeded:
                self._settle(bridged, remote)
            return
        for (bridged, _), result in zip(succeeded, results, strict=True):
            bridged.set_result(result)

    def _settle(self, bridged: Future[ResultT], remote: DaskFuture) -> None:
        """Hands over the outcome of one task: an error, a cancellation or a lost result."""
        from distributed import KilledWorker

        from vigil.pipeline.dask_plugin import StoreNotVisible

        if remote.cancelled():
            bridged.set_exception(
                ClusterBroken(f"lost the connection to the Dask scheduler at {self.address}")
            )
            return
        try:
            result: ResultT = remote.result()
        except KilledWorker:
            bridged.set_result(self._workload.crashed(KILLED_WORKER))
        except StoreNotVisible as error:  # a worker that joined after the check
            bridged.set_exception(ClusterBroken(f"a Dask worker cannot use the store: {error}"))
        except BaseException as error:  # the coordinator records it on the item
            bridged.set_exception(error)
        else:
            bridged.set_result(result)


def _connect(address: str, timeout: float) -> Client:
    from distributed import Client

    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except OSError:  # refused, unreachable, or no answer in time
        raise ClusterUnavailable(
            f"cannot reach the Dask scheduler at {address} (no answer within {timeout:g} s); "
            "is `dask scheduler` running there, and is the port open?"
        ) from None
