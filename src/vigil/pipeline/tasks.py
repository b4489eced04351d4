"""The records that cross the process boundary: a task in, a result out. Plain and picklable."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vigil.core.entries import ArchiveExpansion, ArchiveLimits
from vigil.core.evidence import EvidencePolicy
from vigil.core.hashing import Digests
from vigil.core.issues import Issue


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    store_root: str
    limits: ArchiveLimits = field(default_factory=ArchiveLimits)
    max_pixels: int = 178_956_970
    thumb_size: int = 256
    video_keyframes: int = 3
    in_memory_limit: int = 64 * 1024 * 1024
    # The admitted seizure and the policy that admitted it: each source file is checked again
    # once open. None only where a test feeds the worker files directly.
    evidence: EvidencePolicy | None = None
    source_root: str | None = None


@dataclass(frozen=True, slots=True)
class IngestTask:
    """Either a file to read from the source (`path`) or content already in the store
    (`sha256`, an archive member). `depth` is the archive nesting level of this item."""

    key: int
    name: str
    depth: int
    path: str | None = None
    sha256: str | None = None


@dataclass(slots=True)
class ContentFacts:
    """What the bytes of one content say, independent of where it was found."""

    type_label: str
    mime: str
    family: str
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    pdq: str | None = None
    pdq_quality: int | None = None
    thumbnails: int = 0
    media: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


@dataclass(slots=True)
class IngestResult:
    key: int
    digests: Digests | None
    facts: ContentFacts | None
    extension_mismatch: bool = False
    issues: list[Issue] = field(default_factory=list)  # about this occurrence (the read, the name)
    expansion: ArchiveExpansion | None = None
