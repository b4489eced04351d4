"""What every format shares: the collector that lists members and streams their content into
the store under the guards, and the issues and helpers (errors, times, chunks) they all report.
"""

from __future__ import annotations

import lzma
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from vigil.core.entries import ArchiveExpansion, ArchiveLimits, EntryKind, MemberEntry
from vigil.core.hashing import CHUNK_SIZE
from vigil.core.issues import Issue
from vigil.sources.archives.guards import (
    LIMIT_ERRORS,
    Budget,
    ByteStream,
    MemberNames,
    too_many_entries,
)
from vigil.sources.names import printable
from vigil.store.evidence import EvidenceStore

_T = TypeVar("_T")

# Errors a decompressor or a damaged file raises while reading (BadGzipFile is an OSError).
DECOMPRESS_ERRORS: tuple[type[Exception], ...] = (EOFError, OSError, lzma.LZMAError, zlib.error)


class Collector:
    """Builds the expansion: member names and duplicates, the entry limit, and storing content
    under the size limits of its `budget`."""

    def __init__(
        self,
        fmt: str,
        store: EvidenceStore,
        limits: ArchiveLimits,
        display_name: str | None = None,
    ) -> None:
        self.expansion = ArchiveExpansion(fmt)
        self.limits = limits
        self.display_name = display_name
        self.budget = Budget(store, limits, self.expansion.issues)
        self._names = MemberNames()

    @property
    def full(self) -> bool:
        return len(self.expansion.members) >= self.limits.max_entries

    def listed(self, members: list[_T]) -> list[_T]:
        """The members within the entry limit, reporting how many are beyond it."""
        if len(members) > self.limits.max_entries:
            self.too_many(len(members) - self.limits.max_entries)
        return members[: self.limits.max_entries]

    def add(
        self,
        raw_name: str | bytes,
        kind: EntryKind,
        declared_size: int | None = None,
        times: dict[str, str] | None = None,
    ) -> MemberEntry:
        name, issues = self._names.check(raw_name)
        entry = MemberEntry(name, kind, declared_size, times or {}, issues=issues)
        self.expansion.members.append(entry)
        return entry

    def archive_error(self, code: str, message: str) -> None:
        self.expansion.issues.append(Issue.error(code, message))

    def archive_corrupt(self, error: BaseException | str) -> None:
        why = error if isinstance(error, str) else reason(error)
        self.archive_error(
            "archive_corrupt",
            f"The archive is damaged or truncated ({why}); the members that could be read "
            "are kept, any after the damage may be missing.",
        )

    def too_many(self, skipped: int, complete: bool = True) -> None:
        self.expansion.issues.append(too_many_entries(self.limits, skipped, complete))

    def store_chunks(
        self,
        entry: MemberEntry,
        chunks: Iterable[bytes],
        declared_size: int | None,
        compressed_size: int,
    ) -> None:
        """Streams the chunks into the store. A limit becomes an error on the entry; a read
        error propagates to the caller, who knows what it means. Either way no partial blob
        is left behind."""
        writer = self.budget.open_writer(entry, declared_size, compressed_size)
        if writer is None:
            return
        with writer:
            try:
                for chunk in chunks:
                    writer.write(chunk)
            except LIMIT_ERRORS as error:
                self.budget.limit_reached(entry, error, writer.cap)
                return
            self.budget.committed(entry, writer.commit())


# One format's expansion: reads the archive at the path, in the format named, into the collector.
Expander = Callable[[Path, str, Collector], None]


def reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return printable(text[:300])


def member_corrupt(error: BaseException) -> Issue:
    return Issue.error(
        "member_corrupt",
        f"The member's content could not be read ({reason(error)}); nothing is kept for it.",
    )


def unsupported(error: BaseException) -> Issue:
    return Issue.error(
        "unsupported_compression",
        f"The member uses a compression method Vigil cannot decode ({reason(error)}); its "
        "content was not stored.",
    )


def read_chunks(stream: ByteStream) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_SIZE):
        yield chunk


def iso_utc(timestamp: float) -> str | None:
    try:
        return datetime.fromtimestamp(timestamp, UTC).isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def filetime_iso(filetime: int) -> str | None:
    """Windows FILETIME (100 ns since 1601, UTC) as ISO 8601, None if absurd or unset."""
    if filetime <= 0:
        return None
    try:
        return (
            datetime(1601, 1, 1, tzinfo=UTC) + timedelta(microseconds=filetime // 10)
        ).isoformat()
    except OverflowError:
        return None


# -- issues --------------------------------------------------------------------------------
ENCRYPTED = Issue.error(
    "encrypted",
    "The member is encrypted; Vigil does not try passwords, so its content was not read. Its "
    "name, size and times are as the archive lists them.",
)
CRC_MISMATCH = Issue.error(
    "crc_mismatch",
    "The member's content does not match the checksum the archive records (damaged or "
    "altered); nothing is kept for it.",
)
SYMLINK = Issue.warning(
    "archive_symlink",
    "A symbolic link inside the archive: recorded with its target, never created or followed.",
)
SPECIAL = Issue.warning(
    "special_member",
    "A device, FIFO or socket entry: recorded, never created or read.",
)
