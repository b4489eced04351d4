"""The guards every format shares: size, total and ratio limits on what is stored, duplicate
member names, and link targets that leave the archive. Kept apart so each format applies the
same limits with the same issues.
"""

from __future__ import annotations

import unicodedata
from types import TracebackType
from typing import Protocol

from vigil.core.entries import ArchiveLimits, MemberEntry
from vigil.core.hashing import Digests
from vigil.core.issues import Issue
from vigil.sources.names import check_member_name, link_escapes_root, printable
from vigil.store.evidence import BlobWriter, EvidenceStore
from vigil.store.interface import BlobTooLarge

# A link target is a path; anything longer is not one (and must not be read into memory).
MAX_LINK_TARGET = 4096


# -- compression ratio ---------------------------------------------------------------------
class MemberRatioExceeded(Exception):
    """One member expanded past `max_ratio` times its compressed size."""


class StreamRatioExceeded(Exception):
    """A whole compressed stream (a .tar.gz) expanded past `max_ratio` times the file size."""


def over_ratio(produced: int, compressed: int, limits: ArchiveLimits) -> bool:
    return produced > limits.ratio_floor_bytes and produced > limits.max_ratio * max(compressed, 1)


class GuardedWriter:
    """A BlobWriter that also stops when the output outgrows its compressed size."""

    def __init__(
        self, store: EvidenceStore, cap: int, compressed_size: int, limits: ArchiveLimits
    ) -> None:
        self.cap = cap
        self._writer: BlobWriter = store.open_writer(max_bytes=cap)
        self._compressed_size = compressed_size
        self._limits = limits

    def write(self, chunk: bytes | memoryview) -> None:
        self._writer.write(chunk)
        if over_ratio(self._writer.size, self._compressed_size, self._limits):
            raise MemberRatioExceeded

    def commit(self) -> Digests:
        return self._writer.commit()

    def abort(self) -> None:
        self._writer.abort()

    def __enter__(self) -> GuardedWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._writer.__exit__(exc_type, exc, tb)  # discards the partial blob unless committed


class ByteStream(Protocol):
    def read(self, size: int, /) -> bytes: ...

    def close(self) -> None: ...


class RatioGuard:
    """A forward-only view of a decompressed stream that stops once the stream as a whole
    outgrows the compressed file: the bomb check for a tar inside gzip, bzip2 or xz."""

    def __init__(self, inner: ByteStream, compressed_size: int, limits: ArchiveLimits) -> None:
        self._inner = inner
        self._compressed_size = compressed_size
        self._limits = limits
        self.produced = 0

    def read(self, size: int, /) -> bytes:
        if size < 0:
            raise ValueError("read everything at once: refused, memory must stay bounded")
        data = self._inner.read(size)
        self.produced += len(data)
        if over_ratio(self.produced, self._compressed_size, self._limits):
            raise StreamRatioExceeded
        return data

    def write(self, b: bytes, /) -> int:
        raise OSError("read-only stream")

    def tell(self) -> int:
        return self.produced

    def seek(self, pos: int, /) -> int:
        raise OSError("forward-only stream")

    def close(self) -> None:
        self._inner.close()


# -- member and total size -----------------------------------------------------------------
class Budget:
    """The size limits of one expansion: each member's cap, the total left to store, and the
    ratio; a limit reached becomes an error on the member (and, for the total, the archive)."""

    def __init__(
        self, store: EvidenceStore, limits: ArchiveLimits, archive_issues: list[Issue]
    ) -> None:
        self.store = store
        self.limits = limits
        self.stored_bytes = 0
        self.total_exceeded = False
        self._archive_issues = archive_issues

    def open_writer(
        self, entry: MemberEntry, declared_size: int | None, compressed_size: int
    ) -> GuardedWriter | None:
        """A writer for the member's content, or None (with the reason on the entry) when a
        limit already rules it out."""
        if self.total_exceeded:
            entry.issues.append(SKIPPED_TOTAL)
            return None
        if declared_size is not None and declared_size > self.limits.max_member_bytes:
            entry.issues.append(self._too_large())
            return None
        cap = min(self.limits.max_member_bytes, self.limits.max_total_bytes - self.stored_bytes)
        return GuardedWriter(self.store, max(cap, 0), compressed_size, self.limits)

    def committed(self, entry: MemberEntry, digests: Digests) -> None:
        entry.digests = digests
        self.stored_bytes += digests.size

    def limit_reached(self, entry: MemberEntry, error: Exception, cap: int) -> None:
        """Notes why a writer stopped: `error` is BlobTooLarge or MemberRatioExceeded."""
        if isinstance(error, MemberRatioExceeded):
            entry.issues.append(self.bomb_issue())
        elif cap < self.limits.max_member_bytes:  # the total budget was the tighter limit
            entry.issues.append(SKIPPED_TOTAL)
            self._exceed_total()
        else:
            entry.issues.append(self._too_large())

    def _exceed_total(self) -> None:
        if not self.total_exceeded:
            self.total_exceeded = True
            self._archive_issues.append(
                Issue.error(
                    "total_size_exceeded",
                    "The members expand to more than the limit of "
                    f"{self.limits.max_total_bytes:,} bytes in all; the content of the remaining "
                    "members was not stored.",
                )
            )

    def bomb_issue(self) -> Issue:
        return Issue.error(
            "zip_bomb_ratio",
            f"The content expanded to more than {self.limits.max_ratio:g} times its compressed "
            "size, the mark of a decompression bomb; expansion was stopped and nothing kept.",
        )

    def _too_large(self) -> Issue:
        return Issue.error(
            "member_too_large",
            f"The member is larger than the limit of {self.limits.max_member_bytes:,} bytes; "
            "its content was not stored.",
        )


# The writer stopped at a limit: BlobTooLarge (member or total size) or the member's ratio.
LIMIT_ERRORS: tuple[type[Exception], ...] = (BlobTooLarge, MemberRatioExceeded)


def too_many_entries(limits: ArchiveLimits, skipped: int, complete: bool = True) -> Issue:
    count = f"{skipped:,}" if complete else f"at least {skipped:,}"
    return Issue.error(
        "too_many_entries",
        f"The archive holds {count} members beyond the limit of {limits.max_entries:,}; they "
        "were not listed. Raise the entry limit to see them.",
    )


# -- names and links -----------------------------------------------------------------------
class MemberNames:
    """The names seen so far in one archive, to flag a member that would overwrite another."""

    def __init__(self) -> None:
        self._names: set[str] = set()
        self._folded: set[str] = set()

    def check(self, raw_name: str | bytes) -> tuple[str, list[Issue]]:
        """The printable name and its issues: those of the name itself, then a duplicate."""
        name, issues = check_member_name(raw_name)
        text = (
            raw_name.decode("utf-8", "surrogateescape") if isinstance(raw_name, bytes) else raw_name
        )
        # Case and Unicode form: names that differ only so overwrite each other on Windows/macOS.
        folded = unicodedata.normalize("NFC", text.replace("\\", "/").rstrip("/")).casefold()
        if text in self._names:
            issues.append(DUPLICATE_NAME)
        elif folded in self._folded:
            issues.append(NAME_COLLISION)
        self._names.add(text)
        self._folded.add(folded)
        return name, issues


def record_link_target(entry: MemberEntry, data: bytes | bytearray, member_name: str) -> None:
    """Sets a symbolic link's target read from the member's content (`data`, at most
    MAX_LINK_TARGET + 1 bytes), noting one too long to be a path or leaving the archive."""
    if len(data) > MAX_LINK_TARGET:
        entry.issues.append(LINK_TOO_LONG)
        return
    target = data.decode("utf-8", "surrogateescape")
    entry.link_target = printable(target)
    if link_escapes_root(member_name, target):
        entry.issues.append(LINK_ESCAPES)


# -- issues --------------------------------------------------------------------------------
DUPLICATE_NAME = Issue.warning(
    "duplicate_member_name",
    "An earlier member of this archive has exactly the same name; extracting both would "
    "overwrite one with the other. Vigil keeps both.",
)
NAME_COLLISION = Issue.warning(
    "name_collision",
    "An earlier member's name differs from this one only in letter case or Unicode form; on "
    "Windows or macOS extracting both would overwrite one with the other. Vigil keeps both.",
)
SKIPPED_TOTAL = Issue.error(
    "skipped_total_size",
    "Not stored: the archive's members already reached the total size limit.",
)
LINK_ESCAPES = Issue.warning(
    "link_escapes_archive",
    "The link points outside the archive (an absolute path or one climbing with '..'); "
    "extracted by another tool it could expose or overwrite files elsewhere.",
)
LINK_TOO_LONG = Issue.error(
    "link_target_too_long",
    f"The link's target is longer than {MAX_LINK_TARGET} bytes, so it is not a real path; "
    "it was not read.",
)
