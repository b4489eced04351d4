"""Runs a stream of tasks through an executor, a few per worker in flight, and outlives a worker
that dies: a task that failed is tried once more, then recorded as crashed.

A failed task is one whose future holds an exception: a worker process that died (a decoder
crash, the OOM killer), a lost Dask scheduler, or an error outside the worker function's own
handling. A BrokenProcessPool (ClusterBroken is one) takes every task in flight with it, so
the executor is replaced by a fresh one and all of them are retried there.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool

from vigil.pipeline.executors.base import ResultT, TaskExecutor, TaskT

MAX_RETRIES_AFTER_CRASH = 1
IN_FLIGHT_PER_WORKER = 4

_Attempt = tuple[TaskT, int]  # a task and how many times it has been retried


def run_tasks(
    tasks: Iterable[TaskT],
    new_executor: Callable[[], TaskExecutor[TaskT, ResultT]],
    crashed: Callable[[str], ResultT],
) -> Generator[tuple[TaskT, ResultT], None, None]:
    """Yields every task once with its result, as results come in; `crashed(reason)` is the
    result of a task that failed twice. The executor is shut down when the iterator is
    exhausted or closed (use contextlib.closing where the caller may stop early)."""
    fresh = iter(tasks)
    retries: deque[_Attempt[TaskT]] = deque()
    inflight: dict[Future[ResultT], _Attempt[TaskT]] = {}
    executor = new_executor()
    try:
        while True:
            capacity = IN_FLIGHT_PER_WORKER * max(1, executor.workers)
            while len(inflight) < capacity:
                attempt = retries.popleft() if retries else _first_attempt(fresh)
                if attempt is None:
                    break
                inflight[executor.submit(attempt[0])] = attempt
            if not inflight:
                return
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            failed: list[tuple[_Attempt[TaskT], Exception]] = []
            for future in [future for future in inflight if future in done]:  # submission order
                yield from _collect(future, inflight.pop(future), failed)
            if any(isinstance(error, BrokenProcessPool) for _, error in failed):
                executor.shutdown()  # settles what the broken executor still had in flight
                for future, attempt in inflight.items():
                    yield from _collect(future, attempt, failed)
                inflight.clear()
                executor = new_executor()
            for (task, retried), error in failed:
                if retried < MAX_RETRIES_AFTER_CRASH:
                    retries.append((task, retried + 1))
                else:
                    yield task, crashed(str(error))
    finally:
        executor.shutdown()  # again if a fresh one could not be made: a second call is harmless


def _first_attempt(tasks: Iterator[TaskT]) -> _Attempt[TaskT] | None:
    for task in tasks:
        return task, 0
    return None


def _collect(
    future: Future[ResultT],
    attempt: _Attempt[TaskT],
    failed: list[tuple[_Attempt[TaskT], Exception]],
) -> Iterator[tuple[TaskT, ResultT]]:
    """Yields the task's result, or adds the task to `failed`; a task a broken executor never
    finished counts as lost with it."""
    if not future.done() or future.cancelled():
        failed.append((attempt, BrokenProcessPool("lost when its executor broke")))
        return
    try:
        result = future.result()
    except Exception as error:
        failed.append((attempt, error))
    else:
        yield attempt[0], result
