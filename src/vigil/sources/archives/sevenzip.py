"""7z, through py7zr: members listed from the header, content extracted by driving py7zr's
worker with one sink per member, so nothing is written by name and a failure abandons only
its own solid block.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import IO

import py7zr
from py7zr.exceptions import CrcError, PasswordRequired, UnsupportedCompressionMethodError
from py7zr.io import MemIO, Py7zIO, WriterFactory
from py7zr.py7zr import ArchiveFile

from vigil.core.entries import EntryKind, MemberEntry
from vigil.core.issues import Issue
from vigil.sources.archives.common import (
    CRC_MISMATCH,
    ENCRYPTED,
    SPECIAL,
    SYMLINK,
    Collector,
    filetime_iso,
    member_corrupt,
    reason,
    unsupported,
)
from vigil.sources.archives.guards import (
    LIMIT_ERRORS,
    MAX_LINK_TARGET,
    SKIPPED_TOTAL,
    GuardedWriter,
    MemberRatioExceeded,
    record_link_target,
)

# py7zr parses hostile input in pure Python: malformed archives surface as assorted built-in
# exceptions besides its own, and all of them mean the archive is damaged.
_SEVEN_ZIP_ERRORS: tuple[type[Exception], ...] = (Exception,)


def expand_7z(path: Path, fmt: str, collector: Collector) -> None:
    with open(path, "rb") as fp:
        try:
            archive = py7zr.SevenZipFile(fp, mode="r")
        except PasswordRequired:
            collector.archive_error(
                "encrypted_archive",
                "The 7z archive encrypts its list of members; without the password neither "
                "names nor content can be read.",
            )
            return
        except _SEVEN_ZIP_ERRORS as error:
            collector.archive_corrupt(error)
            return
        with archive:
            _expand_7z_members(archive, fp, collector)


def _expand_7z_members(archive: py7zr.SevenZipFile, fp: IO[bytes], collector: Collector) -> None:
    files = list(archive.files)
    with_content: dict[int, MemberEntry] = {}
    for member in collector.listed(files):
        entry = _add_7z_member(member, collector)
        if entry.kind not in ("file", "symlink"):
            continue
        if member.emptystream or member.uncompressed == 0:  # nothing to decompress or decrypt
            _store_empty(entry, collector)
        else:
            with_content[member.id] = entry
    if archive.needs_password():
        for entry in with_content.values():
            entry.issues.append(ENCRYPTED)
    elif with_content:
        _SevenZipExtraction(archive, fp, files, with_content, collector).run()


def _store_empty(entry: MemberEntry, collector: Collector) -> None:
    if entry.kind == "symlink":
        entry.link_target = ""
    else:
        collector.store_chunks(entry, [], 0, 0)


def _add_7z_member(member: ArchiveFile, collector: Collector) -> MemberEntry:
    properties = member.file_properties()
    times = {
        key: iso
        for key, field in (
            ("modified", "lastwritetime"),
            ("accessed", "lastaccesstime"),
            ("created", "creationtime"),
        )
        if isinstance(value := properties.get(field), int) and (iso := filetime_iso(value))
    }
    kind = _7z_kind(member)
    entry = collector.add(member.filename, kind, member.uncompressed if kind == "file" else None)
    entry.times = times
    if kind == "symlink":
        entry.issues.append(SYMLINK)
    elif kind == "special":
        entry.issues.append(SPECIAL)
    return entry


def _7z_kind(member: ArchiveFile) -> EntryKind:
    if member.is_symlink or member.is_junction:
        return "symlink"
    if member.is_directory:
        return "directory"
    file_type = member.st_fmt
    if member.is_socket or file_type in (stat.S_IFCHR, stat.S_IFBLK, stat.S_IFIFO):
        return "special"
    return "file"


class _SevenZipSink(Py7zIO):
    """Where py7zr writes one member's content: the evidence store (a file) or a small
    buffer (a link target). Committed only when py7zr closes it after a good CRC."""

    def __init__(self, extraction: _SevenZipExtraction, file_id: int) -> None:
        self.file_id = file_id
        self._extraction = extraction
        self._entry = extraction.entries[file_id]
        self._link: bytearray | None = bytearray() if self._entry.kind == "symlink" else None
        self.writer: GuardedWriter | None = None
        if self._link is None:
            base = extraction.ratio_base(file_id)
            self.writer = extraction.collector.budget.open_writer(self._entry, None, base)

    def write(self, s: bytes | bytearray) -> int:
        if self.writer is not None:
            self.writer.write(memoryview(s))
        elif self._link is not None and len(self._link) <= MAX_LINK_TARGET:
            self._link += s[: MAX_LINK_TARGET + 1 - len(self._link)]
        return len(s)

    def close(self) -> None:
        if self.writer is not None:
            self._extraction.collector.budget.committed(self._entry, self.writer.commit())
        elif self._link is not None:  # a file without a writer has the reason on its entry
            record_link_target(self._entry, self._link, self._extraction.raw_names[self.file_id])
        self._extraction.finished(self.file_id)

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.abort()

    def seekable(self) -> bool:
        return False  # tells py7zr not to rewind the member when it is done

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def flush(self) -> None:
        pass

    def size(self) -> int:
        return 0


class _SevenZipExtraction(WriterFactory):
    """Drives py7zr's extraction worker with one sink per member, keyed by member id.

    py7zr's public extract() checks member names against the current directory and refuses
    the whole archive at the first '../' name; since nothing is written by name here, the
    worker is given sinks directly. A failure (bomb, CRC, damage) stops the worker; the
    failed member's solid block is abandoned and extraction resumes with the next block.
    Only members with data are targets (empty ones are stored beforehand): a retry then never
    makes py7zr decompress an abandoned block to reach one."""

    def __init__(
        self,
        archive: py7zr.SevenZipFile,
        fp: IO[bytes],
        files: list[ArchiveFile],
        entries: dict[int, MemberEntry],
        collector: Collector,
    ) -> None:
        self.archive, self.fp, self.files = archive, fp, files
        self.entries, self.collector = entries, collector
        self.raw_names = {file_id: files[file_id].filename for file_id in entries}
        self.pending = set(entries)
        self.current: _SevenZipSink | None = None
        self._block_packed = _packed_sizes(files)

    def ratio_base(self, file_id: int) -> int:
        member = self.files[file_id]
        if member.compressed is not None:
            return member.compressed
        # In a solid block only the first member records a size: the whole block's.
        return self._block_packed.get(id(member.folder), 0)

    def create(self, filename: str) -> Py7zIO:
        self.current = _SevenZipSink(self, int(filename))
        return self.current

    def finished(self, file_id: int) -> None:
        self.pending.discard(file_id)
        self.current = None

    def run(self) -> None:
        while self.pending:
            try:
                self._extract(self.pending)
                return
            except _SEVEN_ZIP_ERRORS as error:
                if not self._record_failure(error):
                    return

    def _extract(self, targets: set[int]) -> None:
        worker = self.archive.worker
        for member in self.files:
            target = MemIO(str(member.id), self) if member.id in targets else None
            worker.register_filelike(member.id, target)
        worker.extract(self.fp, None, parallel=False)

    def _record_failure(self, error: Exception) -> bool:
        """Notes the failure on the member it hit; False when extraction cannot go on."""
        sink, self.current = self.current, None
        if sink is None:  # failed outside any member: nothing left can be trusted
            self._fail_pending(member_corrupt(error))
            self.collector.archive_corrupt(error)
            return False
        sink.abort()
        entry = self.entries[sink.file_id]
        self.pending.discard(sink.file_id)
        if isinstance(error, LIMIT_ERRORS):
            assert sink.writer is not None
            self.collector.budget.limit_reached(entry, error, sink.writer.cap)
        elif isinstance(error, CrcError):
            entry.issues.append(CRC_MISMATCH)
        elif isinstance(error, UnsupportedCompressionMethodError):
            entry.issues.append(unsupported(error))
        else:
            entry.issues.append(member_corrupt(error))
            self.collector.archive_corrupt(error)
        if self.collector.budget.total_exceeded:
            self._fail_pending(SKIPPED_TOTAL)
            return False
        self._abandon_block(self.files[sink.file_id].folder, error)
        return True

    def _abandon_block(self, folder: object, error: Exception) -> None:
        if folder is None:
            return
        for file_id in sorted(self.pending):
            if self.files[file_id].folder is folder:
                self.entries[file_id].issues.append(_solid_block_abandoned(error))
                self.pending.discard(file_id)

    def _fail_pending(self, issue: Issue) -> None:
        for file_id in sorted(self.pending):
            self.entries[file_id].issues.append(issue)
        self.pending.clear()


def _packed_sizes(files: list[ArchiveFile]) -> dict[int, int]:
    sizes: dict[int, int] = {}
    for member in files:
        if member.folder is not None and member.compressed is not None:
            sizes.setdefault(id(member.folder), member.compressed)
    return sizes


def _solid_block_abandoned(error: Exception) -> Issue:
    return Issue.error(
        "solid_block_abandoned",
        "Not extracted: an earlier member of the same compressed block failed "
        f"({reason(error) if not isinstance(error, MemberRatioExceeded) else 'a bomb'}), "
        "and this member cannot be reached without decompressing through it.",
    )
