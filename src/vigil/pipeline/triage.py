"""The coordinator of a triage run: enumerates a source, hands work to an executor, and writes
results to the database in batches. The only part of the pipeline that touches the database.

Crash safety comes from three rules:
1. An item row is written only with its final result, or, for an archive member, as `pending`
   in the same transaction as its archive's result (its content is already in the store).
2. The store is flushed to disk before each batch is committed.
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
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from vigil.core.entries import ArchiveExpansion, MemberEntry
from vigil.core.hashing import Digests
from vigil.core.issues import Issue
from vigil.pipeline.executors.base import Executor
from vigil.pipeline.origin import display_path, member_hash, top_level_hash
from vigil.pipeline.tasks import IngestResult, IngestTask
from vigil.records.cases.models import Blob, Case, Item, Source
from vigil.sources.folder import FolderEntry, count_entries, walk_source
from vigil.store.evidence import EvidenceStore

BATCH_ITEMS = 256
BATCH_SECONDS = 1.0
LOOKUP_CHUNK = 500
MAX_RETRIES_AFTER_CRASH = 1


class TriageLocked(RuntimeError):
    """Another process is triaging the same source."""


@dataclass(slots=True)
class SourceSummary:
    path: str
    kind: str
    status: str
    enumerated: int
    processed: int
    failed: int
    already_complete: bool = False

    @property
    def adds_up(self) -> bool:
        return self.enumerated == self.processed + self.failed


@dataclass(slots=True)
class RunStats:
    """What this run did (a resumed run counts only its own work)."""

    items_written: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    resumed_pending: int = 0
    skipped_recorded: int = 0


@dataclass(slots=True)
class _TopLevel:
    entry: FolderEntry
    origin_hash: str


@dataclass(slots=True)
class _Member:
    item_id: int
    name: str
    depth: int
    sha256: str
    origin: list[str]
    origin_hash: str
    issues: list[dict[str, str]] = field(default_factory=list)


_Work = _TopLevel | _Member
ProgressCallback = Callable[[int, int], None]


class TriageRun:
    def __init__(
        self,
        case: Case,
        source_path: Path,
        store: EvidenceStore,
        executor_factory: Callable[[], Executor],
        lock_folder: Path,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        self.case = case
        self.root = Path(os.path.abspath(source_path))
        self.store = store
        self._executor_factory = executor_factory
        self._lock_folder = lock_folder
        self._on_progress = on_progress or (lambda done, total: None)
        self.stats = RunStats()
        self._queue: deque[_Member] = deque()
        self._inflight: dict[Future[IngestResult], tuple[_Work, int]] = {}
        self._done: list[tuple[_Work, IngestResult]] = []
        self._crashes: dict[str, int] = {}
        self._total = 0
        self._finished = 0

    # -- public --------------------------------------------------------------------------
    def run(self) -> SourceSummary:
        with self._lock():
            source, _ = Source.objects.get_or_create(
                case=self.case,
                path=str(self.root),
                defaults={"kind": "folder" if self.root.is_dir() else "file"},
            )
            if source.status == Source.Status.COMPLETE:
                summary = summarize(source)
                summary.already_complete = True
                return summary
            Source.objects.filter(pk=source.pk).update(runs=source.runs + 1)
            self.source = source
            self.store.remove_stale_tmp()
            started = time.monotonic()
            self._process_everything()
            self.stats.seconds = time.monotonic() - started
            return self._finish()

    # -- the loop ------------------------------------------------------------------------
    def _process_everything(self) -> None:
        self._requeue_pending()
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

    def _next_work(self, entries: Iterator[_TopLevel]) -> _Work | None:
        if self._queue:
            return self._queue.popleft()
        return next(entries, None)

    def _submit(self, executor: Executor, work: _Work, attempt: int) -> None:
        if isinstance(work, _TopLevel):
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
        broken: list[tuple[_Work, int]] = []
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

    # -- reading what is already recorded ------------------------------------------------
    def _requeue_pending(self) -> None:
        pending = Item.objects.filter(source=self.source, status=Item.Status.PENDING).order_by("id")
        for item in pending.iterator(chunk_size=2000):
            self._queue.append(
                _Member(
                    item.pk,
                    item.name,
                    item.depth,
                    item.blob_id or "",
                    item.origin,
                    item.origin_hash,
                    item.issues,
                )
            )
        self.stats.resumed_pending = len(self._queue)

    def _unrecorded_entries(self) -> Iterator[_TopLevel]:
        batch: list[_TopLevel] = []
        for entry in walk_source(self.root):
            batch.append(_TopLevel(entry, top_level_hash(entry.relative)))
            if len(batch) >= LOOKUP_CHUNK:
                yield from self._drop_recorded(batch)
                batch = []
        yield from self._drop_recorded(batch)

    def _drop_recorded(self, batch: list[_TopLevel]) -> Iterator[_TopLevel]:
        recorded = set(
            Item.objects.filter(
                source=self.source, origin_hash__in=[work.origin_hash for work in batch]
            ).values_list("origin_hash", flat=True)
        )
        for work in batch:
            if work.origin_hash in recorded:
                self.stats.skipped_recorded += 1
                self._advance(1)
            else:
                yield work

    # -- writing results -----------------------------------------------------------------
    def _flush(self) -> None:
        if not self._done:
            return
        done, self._done = self._done, []
        self.store.sync()
        expansions: list[tuple[Item, ArchiveExpansion]] = []
        with transaction.atomic():
            self._save_blobs(done)
            new_items: list[Item] = []
            finished_members: list[Item] = []
            for work, result in done:
                item = self._item_for(work, result)
                (new_items if item.pk is None else finished_members).append(item)
                if result.expansion is not None:
                    expansions.append((item, result.expansion))
            Item.objects.bulk_create(new_items)
            Item.objects.bulk_update(
                finished_members,
                ["status", "error_code", "issues", "extension_mismatch"],
            )
            children = [
                child for item, expansion in expansions for child in self._children(item, expansion)
            ]
            Item.objects.bulk_create(children)
        self.stats.items_written += len(done) + sum(
            1 for child in children if child.status != Item.Status.PENDING
        )
        self._advance(len(done) + sum(1 for c in children if c.status != Item.Status.PENDING))
        self._total += len(children)
        for child in children:
            if child.status == Item.Status.PENDING:
                self._queue.append(
                    _Member(
                        child.pk,
                        child.name,
                        child.depth,
                        child.blob_id or "",
                        child.origin,
                        child.origin_hash,
                        child.issues,
                    )
                )

    def _save_blobs(self, done: list[tuple[_Work, IngestResult]]) -> None:
        facts_by_sha: dict[str, IngestResult] = {}
        for work, result in done:
            sha = _sha_of(work, result)
            if sha and result.facts is not None:
                facts_by_sha.setdefault(sha, result)
        members: dict[str, Digests] = {}
        for _, result in done:
            if result.expansion is not None:
                for member in result.expansion.members:
                    if member.digests is not None:
                        members.setdefault(member.digests.sha256, member.digests)
        wanted = set(facts_by_sha) | set(members)
        existing = Blob.objects.in_bulk(list(wanted)) if wanted else {}
        to_create: list[Blob] = []
        to_update: list[Blob] = []
        for sha, result in facts_by_sha.items():
            blob = existing.get(sha)
            if blob is None:
                assert result.digests is not None
                blob = _blob_from_digests(result.digests)
                _apply_facts(blob, result)
                to_create.append(blob)
                existing[sha] = blob
            elif not blob.analyzed:
                _apply_facts(blob, result)
                to_update.append(blob)
        for sha, digests in members.items():
            if sha not in existing:
                blob = _blob_from_digests(digests)
                to_create.append(blob)
                existing[sha] = blob
        Blob.objects.bulk_create(to_create, ignore_conflicts=True)
        Blob.objects.bulk_update(
            to_update,
            [
                "analyzed",
                "type_label",
                "mime",
                "family",
                "width",
                "height",
                "duration_s",
                "pdq",
                "pdq_quality",
                "thumbnails",
                "media",
                "issues",
            ],
        )
        self._blob_issues = {sha: blob.issues for sha, blob in existing.items()}

    def _item_for(self, work: _Work, result: IngestResult) -> Item:
        occurrence = [issue.as_dict() for issue in result.issues]
        if result.expansion is not None:
            occurrence += [issue.as_dict() for issue in result.expansion.issues]
        sha = _sha_of(work, result)
        content = list(self._blob_issues.get(sha, [])) if sha else []
        if isinstance(work, _TopLevel):
            entry = work.entry
            issues = [issue.as_dict() for issue in entry.issues] + occurrence + content
            item = Item(
                case=self.case,
                source=self.source,
                origin_hash=work.origin_hash,
                origin=[entry.name],
                path=entry.name,
                name=entry.name,
                depth=0,
                kind=entry.kind,
                size=result.digests.size if result.digests else entry.size,
                blob_id=sha or None,
                times=entry.times,
                link_target=entry.link_target,
            )
        else:
            issues = list(work.issues) + occurrence + content
            # Only the outcome is updated; the rest is set so that members can name it parent.
            item = Item(
                pk=work.item_id,
                case=self.case,
                source=self.source,
                blob_id=work.sha256,
                origin=work.origin,
                origin_hash=work.origin_hash,
                depth=work.depth,
                name=work.name,
            )
        _set_outcome(
            item,
            issues,
            result.extension_mismatch,
            had_content=bool(sha) or (isinstance(work, _TopLevel) and work.entry.kind != "file"),
        )
        return item

    def _children(self, archive: Item, expansion: ArchiveExpansion) -> list[Item]:
        children: list[Item] = []
        for index, member in enumerate(expansion.members):
            if member.kind == "directory" and not member.issues:
                continue
            children.append(self._child(archive, index, member))
        return children

    def _child(self, archive: Item, index: int, member: MemberEntry) -> Item:
        origin = [*archive.origin, member.name]
        issues = [issue.as_dict() for issue in member.issues]
        child = Item(
            case=self.case,
            source=self.source,
            parent=archive,
            origin_hash=member_hash(archive.origin_hash, index, member.name),
            origin=origin,
            path=display_path(origin),
            name=member.name,
            depth=archive.depth + 1,
            kind=member.kind,
            size=member.digests.size if member.digests else member.declared_size,
            blob_id=member.digests.sha256 if member.digests else None,
            times=member.times,
            link_target=member.link_target,
            issues=issues,
        )
        if member.digests is not None and member.kind == "file":
            child.status = Item.Status.PENDING
        else:
            _set_outcome(child, issues, False, had_content=member.kind != "file")
        return child

    # -- the end -------------------------------------------------------------------------
    def _finish(self) -> SourceSummary:
        counts = _status_counts(self.source)
        Source.objects.filter(pk=self.source.pk).update(
            status=Source.Status.COMPLETE,
            enumerated=sum(counts.values()),
            processed=counts.get(Item.Status.PROCESSED, 0),
            failed=counts.get(Item.Status.FAILED, 0),
            finished_at=timezone.now(),
        )
        self.source.refresh_from_db()
        return summarize(self.source)

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


def summarize(source: Source) -> SourceSummary:
    return SourceSummary(
        path=source.path,
        kind=source.kind,
        status=source.status,
        enumerated=source.enumerated,
        processed=source.processed,
        failed=source.failed,
    )


def _status_counts(source: Source) -> dict[str, int]:
    rows = Item.objects.filter(source=source).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def _set_outcome(
    item: Item, issues: list[dict[str, str]], extension_mismatch: bool, had_content: bool
) -> None:
    errors = [issue for issue in issues if issue.get("severity") == "error"]
    if not had_content and not errors:
        errors = [Issue.error("no_content", "No content could be read for this entry.").as_dict()]
        issues = [*issues, *errors]
    item.issues = issues
    item.extension_mismatch = extension_mismatch
    item.status = Item.Status.FAILED if errors else Item.Status.PROCESSED
    item.error_code = errors[0]["code"] if errors else None


def _sha_of(work: _Work, result: IngestResult) -> str:
    if isinstance(work, _Member):
        return work.sha256
    return result.digests.sha256 if result.digests else ""


def _size_of(work: _Work) -> int:
    return (work.entry.size or 0) if isinstance(work, _TopLevel) else 0


def _blob_from_digests(digests: Digests) -> Blob:
    return Blob(sha256=digests.sha256, md5=digests.md5, sha1=digests.sha1, size=digests.size)


def _apply_facts(blob: Blob, result: IngestResult) -> None:
    facts = result.facts
    assert facts is not None
    blob.analyzed = True
    blob.type_label, blob.mime, blob.family = facts.type_label, facts.mime, facts.family
    blob.width, blob.height, blob.duration_s = facts.width, facts.height, facts.duration_s
    blob.pdq, blob.pdq_quality = facts.pdq, facts.pdq_quality
    blob.thumbnails, blob.media = facts.thumbnails, facts.media
    blob.issues = [issue.as_dict() for issue in facts.issues]


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
