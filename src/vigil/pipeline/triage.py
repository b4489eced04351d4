"""The coordinator of a triage run: enumerates a source, hands work to an executor, and has
its recorder write the results in batches (vigil.pipeline.database_recorder: the only part of
triage that touches the database).

Crash safety comes from three rules:
1. An item row is written only with its final result, or, for an archive member, as `pending`
   in the same transaction as its archive's result (its content is already in the store).
2. The store is flushed to disk before each batch is recorded.
3. A restarted run skips every entry whose origin key is recorded and re-queues pending rows.
So a `kill -9` at any moment loses at most the uncommitted batch, which is simply done again.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from vigil.core.issues import Issue
from vigil.core.origin import top_level_hash
from vigil.pipeline.database_recorder import DatabaseRecorder
from vigil.pipeline.executors.base import Executor
from vigil.pipeline.recording import (
    Outcome,
    PendingMember,
    SourceSummary,
    TopLevelEntry,
    TriageRecorder,
    Work,
)
from vigil.pipeline.tasks import IngestResult, IngestTask
from vigil.records.cases.models import Case
from vigil.sources.folder import count_entries, walk_source
from vigil.store.interface import EvidenceStorage

BATCH_ITEMS = 256
BATCH_SECONDS = 1.0
LOOKUP_CHUNK = 500
MAX_RETRIES_AFTER_CRASH = 1


class TriageLocked(RuntimeError):
    """Another process is triaging the same source."""


@dataclass(slots=True)
class RunStats:
    """What this run did (a resumed run counts only its own work)."""

    items_written: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    resumed_pending: int = 0
    skipped_recorded: int = 0


ProgressCallback = Callable[[int, int], None]


class TriageRun:
    def __init__(
        self,
        case: Case,
        source_path: Path,
        store: EvidenceStorage,
        executor_factory: Callable[[], Executor],
        lock_folder: Path,
        on_progress: ProgressCallback | None = None,
        recorder: TriageRecorder | None = None,
    ) -> None:
        self.case = case
        self.root = Path(os.path.abspath(source_path))
        self.store = store
        self.recorder = recorder or DatabaseRecorder(case)
        self._executor_factory = executor_factory
        self._lock_folder = lock_folder
        self._on_progress = on_progress or (lambda done, total: None)
        self.stats = RunStats()
        self._queue: deque[PendingMember] = deque()
        self._inflight: dict[Future[IngestResult], tuple[Work, int]] = {}
        self._done: list[Outcome] = []
        self._total = 0
        self._finished = 0

    # -- public --------------------------------------------------------------------------
    def run(self) -> SourceSummary:
        with self._lock():
            kind = "folder" if self.root.is_dir() else "file"
            complete = self.recorder.open_source(str(self.root), kind)
            if complete is not None:
                complete.already_complete = True
                return complete
            self.store.remove_stale_tmp()
            started = time.monotonic()
            self._process_everything()
            self.stats.seconds = time.monotonic() - started
            return self.recorder.finish()

    # -- the loop ------------------------------------------------------------------------
    def _process_everything(self) -> None:
        self._queue.extend(self.recorder.pending_members())
        self.stats.resumed_pending = len(self._queue)
        self._total = count_entries(self.root) + len(self._queue)
        entries = self._unrecorded_entries()
        executor = self._executor_factory()
        capacity = max(4, executor.workers * 4)
        last_flush = time.monotonic()
        try:
            while True:
                while len(self._inflight) < capacity and len(self._done) < BATCH_ITEMS:
                    work = self._next_work(entries)
                    if work is None:
                        break
                    self._submit(executor, work, attempt=0)
                if not self._inflight:
                    self._flush()
                    if not self._queue:
                        break
                    continue
                finished, _ = wait(
                    list(self._inflight), timeout=BATCH_SECONDS, return_when=FIRST_COMPLETED
                )
                executor = self._collect(finished, executor)
                if len(self._done) >= BATCH_ITEMS or time.monotonic() - last_flush > BATCH_SECONDS:
                    self._flush()
                    last_flush = time.monotonic()
            self._flush()
        finally:
            executor.shutdown()

    def _next_work(self, entries: Iterator[TopLevelEntry]) -> Work | None:
        if self._queue:
            return self._queue.popleft()
        return next(entries, None)

    def _submit(self, executor: Executor, work: Work, attempt: int) -> None:
        if isinstance(work, TopLevelEntry):
            entry = work.entry
            if entry.kind != "file" or (
                entry.issues and any(i.severity == "error" for i in entry.issues)
            ):
                self._done.append((work, IngestResult(key=0, digests=None, facts=None)))
                return
            task = IngestTask(key=0, name=entry.relative, depth=0, path=entry.absolute)
        else:
            task = IngestTask(key=0, name=work.name, depth=len(work.origin) - 1, sha256=work.sha256)
        self._inflight[executor.submit(task)] = (work, attempt)

    def _collect(self, finished: set[Future[IngestResult]], executor: Executor) -> Executor:
        broken: list[tuple[Work, int]] = []
        for future in finished:
            work, attempt = self._inflight.pop(future)
            try:
                self._done.append((work, future.result()))
                self.stats.bytes_read += _size_of(work)
            except BrokenProcessPool:
                broken.append((work, attempt))
            except Exception as error:  # a bug in an analyser must not lose the item
                self._done.append((work, _failed_result(error)))
        if broken:
            # A worker died (a decoder crash, the OOM killer): every task in flight is lost
            # with it. Start a new pool and retry them; a task that breaks it again fails.
            broken.extend(self._inflight.values())
            self._inflight.clear()
            executor.shutdown()
            executor = self._executor_factory()
            for work, attempt in broken:
                if attempt >= MAX_RETRIES_AFTER_CRASH:
                    self._done.append((work, _crashed_result()))
                else:
                    self._submit(executor, work, attempt + 1)
        return executor

    # -- what is already recorded --------------------------------------------------------
    def _unrecorded_entries(self) -> Iterator[TopLevelEntry]:
        batch: list[TopLevelEntry] = []
        for entry in walk_source(self.root):
            batch.append(TopLevelEntry(entry, top_level_hash(entry.relative)))
            if len(batch) >= LOOKUP_CHUNK:
                yield from self._drop_recorded(batch)
                batch = []
        yield from self._drop_recorded(batch)

    def _drop_recorded(self, batch: list[TopLevelEntry]) -> Iterator[TopLevelEntry]:
        recorded = self.recorder.recorded_origins([work.origin_hash for work in batch])
        for work in batch:
            if work.origin_hash in recorded:
                self.stats.skipped_recorded += 1
                self._advance(1)
            else:
                yield work

    # -- recording results ---------------------------------------------------------------
    def _flush(self) -> None:
        if not self._done:
            return
        done, self._done = self._done, []
        self.store.sync()  # the content on disk before the rows that name it
        recorded = self.recorder.record(done)
        self.stats.items_written += recorded.finished
        self._advance(recorded.finished)
        self._total += recorded.listed
        self._queue.extend(recorded.pending)

    def _advance(self, count: int) -> None:
        self._finished += count
        self._on_progress(self._finished, max(self._total, self._finished))

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        self._lock_folder.mkdir(parents=True, exist_ok=True)
        key = hashlib.sha1(f"{self.case.pk}\x00{self.root}".encode(), usedforsecurity=False)
        with open(self._lock_folder / f"triage-{key.hexdigest()}.lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise TriageLocked(
                    f"another vigil process is triaging {self.root} for case {self.case.name}"
                ) from None
            yield


def _size_of(work: Work) -> int:
    return (work.entry.size or 0) if isinstance(work, TopLevelEntry) else 0


def _failed_result(error: Exception) -> IngestResult:
    # The exception's type and text only: never evidence content.
    issue = Issue.error("internal_error", f"Processing failed: {type(error).__name__}: {error}")
    return IngestResult(key=0, digests=None, facts=None, issues=[issue])


def _crashed_result() -> IngestResult:
    issue = Issue.error(
        "worker_crashed",
        "The worker process died twice while this item was in progress (a decoder crash or "
        "out of memory); the item is recorded without analysis.",
    )
    return IngestResult(key=0, digests=None, facts=None, issues=[issue])
