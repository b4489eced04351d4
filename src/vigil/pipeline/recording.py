"""What a triage run hands to its recorder, and what it asks of it.

The coordinator (vigil.pipeline.triage.TriageRun) decides what to do next; a `TriageRecorder`
writes what was done. The database recorder (vigil.pipeline.database_recorder) is the one Vigil
uses. The coordinator flushes the evidence store before each `record`, so a row never names
content that is not yet on disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from vigil.pipeline.tasks import IngestResult
from vigil.sources.folder import FolderEntry


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
class TopLevelEntry:
    """An entry of the source itself, not yet recorded."""

    entry: FolderEntry
    origin_hash: str


@dataclass(slots=True)
class PendingMember:
    """An archive member recorded as pending: its content is stored, its analysis is due."""

    item_id: int
    name: str
    depth: int
    sha256: str
    origin: list[str]
    origin_hash: str
    issues: list[dict[str, str]] = field(default_factory=list)


Work = TopLevelEntry | PendingMember
Outcome = tuple[Work, IngestResult]


@dataclass(frozen=True, slots=True)
class RecordedBatch:
    finished: int  # items recorded with their final result (the batch and its finished members)
    listed: int  # archive members the batch's archives listed, pending or not
    pending: list[PendingMember]  # members recorded as pending, to analyse next


class TriageRecorder(Protocol):
    def open_source(self, path: str, kind: str) -> SourceSummary | None:
        """Opens the source's record for this run (created on first sight, the run counted).
        Returns its summary instead, counting nothing, when the source is already complete."""
        ...

    def pending_members(self) -> Iterator[PendingMember]:
        """Members a killed run left pending, in the order they were recorded."""
        ...

    def recorded_origins(self, origin_hashes: list[str]) -> set[str]:
        """Those of the given origin hashes the source already has an item for."""
        ...

    def record(self, outcomes: list[Outcome]) -> RecordedBatch:
        """Writes one batch in one transaction: its contents, its items and the members of
        its archives."""
        ...

    def finish(self) -> SourceSummary:
        """Marks the source complete with its final counts."""
        ...
