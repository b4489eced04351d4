"""Safe expansion of seized archives: every member listed, its content streamed into the
evidence store, nothing ever written to the file system by the name the archive gives it.

Formats: zip, 7z, tar, and gzip/bzip2/xz (a compressed tar, or one compressed file). Content
goes through `EvidenceStore.open_writer`, which hashes it in the same pass; reads are 1 MiB
chunks, so memory stays bounded whatever the archive claims. `ArchiveLimits` stops bombs: entry
count, total and member size, compression ratio; overlapping zip entries are refused.

Bad input never raises: each failure becomes an `Issue` (an `error` when a member's content
could not be obtained, a `warning` for an anomaly when it was), and whatever could be read is
kept. Only programming errors raise.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import stat
import struct
import tarfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import IO, Protocol, Self

import py7zr
from py7zr.exceptions import CrcError, PasswordRequired, UnsupportedCompressionMethodError
from py7zr.io import MemIO, Py7zIO, WriterFactory
from py7zr.py7zr import ArchiveFile

from vigil.core.entries import ArchiveExpansion, ArchiveLimits, EntryKind, MemberEntry
from vigil.core.hashing import CHUNK_SIZE, Digests
from vigil.core.issues import Issue
from vigil.sources.names import check_member_name, link_escapes_root, printable
from vigil.store.evidence import BlobTooLarge, BlobWriter, EvidenceStore

ARCHIVE_FORMATS = frozenset({"zip", "7z", "tar", "gzip", "bzip2", "xz"})

# A link target is a path; anything longer is not one (and must not be read into memory).
MAX_LINK_TARGET = 4096

_COMPRESSED_SUFFIX = {"gzip": ".gz", "bzip2": ".bz2", "xz": ".xz"}
# Errors a decompressor or a damaged file raises while reading (BadGzipFile is an OSError).
_DECOMPRESS_ERRORS: tuple[type[Exception], ...] = (EOFError, OSError, lzma.LZMAError, zlib.error)
# zipfile reports malformed structures as BadZipFile, but also as these (a bad UTF-8 name is a
# UnicodeDecodeError, a negative size a ValueError, a damaged version NotImplementedError).
_ZIP_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    NotImplementedError,  # "zip file version 7.1": a damaged version field
    ValueError,
    struct.error,
    *_DECOMPRESS_ERRORS,
)
_TAR_ERRORS: tuple[type[Exception], ...] = (tarfile.TarError, *_DECOMPRESS_ERRORS)
# tarfile's header errors are undocumented (not in the type stubs); these two mean damage,
# EmptyHeaderError after the first member means the end-of-archive marker is missing.
_BAD_TAR_HEADERS: tuple[type[Exception], ...] = tuple(
    getattr(tarfile, name) for name in ("InvalidHeaderError", "TruncatedHeaderError")
)
_EMPTY_TAR_HEADER: type[Exception] = getattr(tarfile, "EmptyHeaderError")  # noqa: B009
# Only checked against, never created: tarfile's own filter resolves link targets under it.
_FILTER_ROOT = "/nonexistent-vigil-archive-root"


def expand_archive(
    path: Path,
    fmt: str,
    store: EvidenceStore,
    limits: ArchiveLimits,
    password_free_only: bool = True,
    display_name: str | None = None,
) -> ArchiveExpansion:
    """Lists the members of the archive at `path` and streams their content into `store`.

    `fmt` is one of ARCHIVE_FORMATS. Vigil never tries passwords: encrypted content is listed
    and reported, never guessed at (`password_free_only` must stay True). `display_name` is the
    archive's name in the seizure, for a stored copy whose own file name is its SHA-256."""
    if fmt not in ARCHIVE_FORMATS:
        raise ValueError(f"not an archive format: {fmt!r}")
    if not password_free_only:
        raise NotImplementedError("Vigil does not try passwords on encrypted archives")
    collector = _Collector(fmt, store, limits)
    collector.display_name = display_name
    try:
        _EXPANDERS.get(fmt, _expand_compressed)(Path(path), fmt, collector)
    except OSError as error:  # the archive file itself could not be opened or read
        collector.archive_error(
            "archive_unreadable", f"The archive file could not be read ({_reason(error)})."
        )
    return collector.expansion


# -- limits --------------------------------------------------------------------------------
class _MemberRatioExceeded(Exception):
    """One member expanded past `max_ratio` times its compressed size."""


class _StreamRatioExceeded(Exception):
    """A whole compressed stream (a .tar.gz) expanded past `max_ratio` times the file size."""


def _over_ratio(produced: int, compressed: int, limits: ArchiveLimits) -> bool:
    return produced > limits.ratio_floor_bytes and produced > limits.max_ratio * max(compressed, 1)


class _GuardedWriter:
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
        if _over_ratio(self._writer.size, self._compressed_size, self._limits):
            raise _MemberRatioExceeded

    def commit(self) -> Digests:
        return self._writer.commit()

    def abort(self) -> None:
        self._writer.abort()

    def __enter__(self) -> _GuardedWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._writer.__exit__(exc_type, exc, tb)  # discards the partial blob unless committed


class _ByteStream(Protocol):
    def read(self, size: int, /) -> bytes: ...

    def close(self) -> None: ...


class _RatioGuard:
    """A forward-only view of a decompressed stream that stops once the stream as a whole
    outgrows the compressed file: the bomb check for a tar inside gzip, bzip2 or xz."""

    def __init__(self, inner: _ByteStream, compressed_size: int, limits: ArchiveLimits) -> None:
        self._inner = inner
        self._compressed_size = compressed_size
        self._limits = limits
        self.produced = 0

    def read(self, size: int, /) -> bytes:
        if size < 0:
            raise ValueError("read everything at once: refused, memory must stay bounded")
        data = self._inner.read(size)
        self.produced += len(data)
        if _over_ratio(self.produced, self._compressed_size, self._limits):
            raise _StreamRatioExceeded
        return data

    def write(self, b: bytes, /) -> int:
        raise OSError("read-only stream")

    def tell(self) -> int:
        return self.produced

    def seek(self, pos: int, /) -> int:
        raise OSError("forward-only stream")

    def close(self) -> None:
        self._inner.close()


# -- collecting members --------------------------------------------------------------------
class _Collector:
    """Builds the expansion: member names and duplicates, the entry limit, the total-size
    budget, and storing content under those limits."""

    def __init__(self, fmt: str, store: EvidenceStore, limits: ArchiveLimits) -> None:
        self.expansion = ArchiveExpansion(fmt)
        self.store = store
        self.limits = limits
        self.stored_bytes = 0
        self.total_exceeded = False
        self.display_name: str | None = None
        self._names: set[str] = set()
        self._folded: set[str] = set()

    @property
    def full(self) -> bool:
        return len(self.expansion.members) >= self.limits.max_entries

    def add(
        self,
        raw_name: str | bytes,
        kind: EntryKind,
        declared_size: int | None = None,
        times: dict[str, str] | None = None,
    ) -> MemberEntry:
        name, issues = check_member_name(raw_name)
        entry = MemberEntry(name, kind, declared_size, times or {}, issues=issues)
        text = (
            raw_name.decode("utf-8", "surrogateescape") if isinstance(raw_name, bytes) else raw_name
        )
        self._note_duplicate(entry, text)
        self.expansion.members.append(entry)
        return entry

    def _note_duplicate(self, entry: MemberEntry, text: str) -> None:
        # Case and Unicode form: names that differ only so overwrite each other on Windows/macOS.
        folded = unicodedata.normalize("NFC", text.replace("\\", "/").rstrip("/")).casefold()
        if text in self._names:
            entry.issues.append(_DUPLICATE_NAME)
        elif folded in self._folded:
            entry.issues.append(_NAME_COLLISION)
        self._names.add(text)
        self._folded.add(folded)

    def archive_error(self, code: str, message: str) -> None:
        self.expansion.issues.append(Issue.error(code, message))

    def archive_corrupt(self, error: BaseException | str) -> None:
        reason = error if isinstance(error, str) else _reason(error)
        self.archive_error(
            "archive_corrupt",
            f"The archive is damaged or truncated ({reason}); the members that could be read "
            "are kept, any after the damage may be missing.",
        )

    def too_many(self, skipped: int, complete: bool = True) -> None:
        count = f"{skipped:,}" if complete else f"at least {skipped:,}"
        self.archive_error(
            "too_many_entries",
            f"The archive holds {count} members beyond the limit of "
            f"{self.limits.max_entries:,}; they were not listed. Raise the entry limit to "
            "see them.",
        )

    def open_writer(
        self, entry: MemberEntry, declared_size: int | None, compressed_size: int
    ) -> _GuardedWriter | None:
        """A writer for the member's content, or None (with the reason on the entry) when a
        limit already rules it out."""
        if self.total_exceeded:
            entry.issues.append(_SKIPPED_TOTAL)
            return None
        if declared_size is not None and declared_size > self.limits.max_member_bytes:
            entry.issues.append(self._too_large())
            return None
        cap = min(self.limits.max_member_bytes, self.limits.max_total_bytes - self.stored_bytes)
        return _GuardedWriter(self.store, max(cap, 0), compressed_size, self.limits)

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
        writer = self.open_writer(entry, declared_size, compressed_size)
        if writer is None:
            return
        with writer:
            try:
                for chunk in chunks:
                    writer.write(chunk)
            except (BlobTooLarge, _MemberRatioExceeded) as error:
                self.limit_reached(entry, error, writer.cap)
                return
            self.committed(entry, writer.commit())

    def committed(self, entry: MemberEntry, digests: Digests) -> None:
        entry.digests = digests
        self.stored_bytes += digests.size

    def limit_reached(self, entry: MemberEntry, error: Exception, cap: int) -> None:
        if isinstance(error, _MemberRatioExceeded):
            entry.issues.append(self.bomb_issue())
        elif cap < self.limits.max_member_bytes:  # the total budget was the tighter limit
            entry.issues.append(_SKIPPED_TOTAL)
            self._exceed_total()
        else:
            entry.issues.append(self._too_large())

    def _exceed_total(self) -> None:
        if not self.total_exceeded:
            self.total_exceeded = True
            self.archive_error(
                "total_size_exceeded",
                f"The members expand to more than the limit of {self.limits.max_total_bytes:,} "
                "bytes in all; the content of the remaining members was not stored.",
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


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return printable(text[:300])


def _member_corrupt(error: BaseException) -> Issue:
    return Issue.error(
        "member_corrupt",
        f"The member's content could not be read ({_reason(error)}); nothing is kept for it.",
    )


def _chunks(stream: _ByteStream) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_SIZE):
        yield chunk


def _iso_utc(timestamp: float) -> str | None:
    try:
        return datetime.fromtimestamp(timestamp, UTC).isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def _filetime_iso(filetime: int) -> str | None:
    """Windows FILETIME (100 ns since 1601, UTC) as ISO 8601, None if absurd or unset."""
    if filetime <= 0:
        return None
    try:
        return (
            datetime(1601, 1, 1, tzinfo=UTC) + timedelta(microseconds=filetime // 10)
        ).isoformat()
    except OverflowError:
        return None


# -- zip -----------------------------------------------------------------------------------
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_FLAG_ENCRYPTED = 0x1
_FLAG_DATA_DESCRIPTOR = 0x8
_FLAG_UTF8 = 0x800
_UNIX = 3


def _expand_zip(path: Path, fmt: str, collector: _Collector) -> None:
    with open(path, "rb") as fp:
        try:
            archive = zipfile.ZipFile(fp)
        except _ZIP_ERRORS as error:
            collector.archive_corrupt(error)
            _salvage_zip(fp, collector)
            return
        with archive:
            infos = archive.infolist()
            if len(infos) > collector.limits.max_entries:
                collector.too_many(len(infos) - collector.limits.max_entries)
            overlapping = _overlapping_entries(fp, infos)
            for index, info in enumerate(infos[: collector.limits.max_entries]):
                _add_zip_member(archive, info, index in overlapping, collector)


def _overlapping_entries(fp: IO[bytes], infos: list[zipfile.ZipInfo]) -> set[int]:
    """Indexes of entries whose local header and data overlap another entry's: the
    "better zip bomb" points many central-directory entries at the same compressed data."""
    spans = sorted((*_zip_span(fp, info), index) for index, info in enumerate(infos))
    overlapping: set[int] = set()
    furthest_end, furthest = -1, -1
    for start, end, index in spans:
        if start < furthest_end:
            overlapping.update((index, furthest))
        if end > furthest_end:
            furthest_end, furthest = end, index
    return overlapping


def _zip_span(fp: IO[bytes], info: zipfile.ZipInfo) -> tuple[int, int]:
    start = info.header_offset
    fp.seek(start)
    header = fp.read(_LOCAL_HEADER.size)
    name_length = extra_length = 0
    if len(header) == _LOCAL_HEADER.size and header.startswith(_LOCAL_SIGNATURE):
        name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    return start, start + _LOCAL_HEADER.size + name_length + extra_length + info.compress_size


def _add_zip_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, overlapping: bool, collector: _Collector
) -> None:
    kind = _zip_kind(info)
    times, time_issues = _zip_times(info)
    declared = info.file_size if kind == "file" else None
    entry = collector.add(_zip_raw_name(info), kind, declared, times)
    entry.issues.extend(time_issues)
    if kind == "directory":
        return
    if kind == "symlink":
        entry.issues.append(_SYMLINK)
    if overlapping:
        entry.issues.append(_OVERLAPPING)
    elif info.flag_bits & _FLAG_ENCRYPTED:
        entry.issues.append(_ENCRYPTED)
    elif kind == "special":
        entry.issues.append(_SPECIAL)
    else:
        _read_zip_content(archive, info, entry, collector)


def _read_zip_content(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, entry: MemberEntry, collector: _Collector
) -> None:
    try:
        with archive.open(info) as stream:
            if entry.kind == "symlink":
                _set_link_target(entry, stream.read(MAX_LINK_TARGET + 1), info)
            else:
                collector.store_chunks(entry, _chunks(stream), info.file_size, info.compress_size)
    except NotImplementedError as error:  # a compression method zipfile lacks (deflate64...)
        entry.issues.append(_unsupported(error))
    except zipfile.BadZipFile as error:
        crc = str(error).startswith("Bad CRC-32")
        entry.issues.append(_CRC_MISMATCH if crc else _member_corrupt(error))
    except _ZIP_ERRORS as error:
        entry.issues.append(_member_corrupt(error))


def _set_link_target(entry: MemberEntry, data: bytes, info: zipfile.ZipInfo) -> None:
    if len(data) > MAX_LINK_TARGET:
        entry.issues.append(_LINK_TOO_LONG)
        return
    target = data.decode("utf-8", "surrogateescape")
    entry.link_target = printable(target)
    if link_escapes_root(info.orig_filename, target):
        entry.issues.append(_LINK_ESCAPES)


def _zip_kind(info: zipfile.ZipInfo) -> EntryKind:
    mode = info.external_attr >> 16 if info.create_system == _UNIX else 0
    if info.is_dir() or stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        return "special"
    return "file"


def _zip_raw_name(info: zipfile.ZipInfo) -> str | bytes:
    if info.flag_bits & _FLAG_UTF8:
        return info.orig_filename
    # zipfile decoded the bytes as cp437; undo that so the name is checked as it was written.
    return info.orig_filename.encode("cp437")


def _zip_times(info: zipfile.ZipInfo) -> tuple[dict[str, str], list[Issue]]:
    utc = _zip_extra_times(info.extra)
    if utc:
        return utc, []
    try:
        local = datetime(*info.date_time).isoformat()
    except ValueError:
        return {}, [_INVALID_TIME]
    return {"modified": local}, [_NAIVE_TIME]


def _zip_extra_times(extra: bytes) -> dict[str, str]:
    """UTC times from the NTFS (0x000a) or extended-timestamp (0x5455) extra fields."""
    times: dict[str, str] = {}
    for tag, data in _extra_fields(extra):
        if tag == 0x000A:
            times = _ntfs_times(data) or times
        elif tag == 0x5455 and not times and len(data) >= 5 and data[0] & 1:
            modified = _iso_utc(struct.unpack_from("<I", data, 1)[0])
            times = {"modified": modified} if modified else times
    return times


def _extra_fields(extra: bytes) -> Iterator[tuple[int, bytes]]:
    position = 0
    while position + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, position)
        yield tag, extra[position + 4 : position + 4 + size]
        position += 4 + size


def _ntfs_times(data: bytes) -> dict[str, str]:
    for tag, attribute in _extra_fields(data[4:]):  # after 4 reserved bytes
        if tag == 1 and len(attribute) >= 24:
            values = struct.unpack_from("<QQQ", attribute)
            named = zip(("modified", "accessed", "created"), values, strict=True)
            return {name: iso for name, value in named if (iso := _filetime_iso(value))}
    return {}


def _salvage_zip(fp: IO[bytes], collector: _Collector) -> None:
    """Walks the local headers from the start when the central directory is unreadable (a
    truncated zip, usually), keeping each member whose size its header records."""
    offset = 0
    while not collector.full:
        fp.seek(offset)
        header = fp.read(_LOCAL_HEADER.size)
        if len(header) < _LOCAL_HEADER.size or not header.startswith(_LOCAL_SIGNATURE):
            return
        fields = _LOCAL_HEADER.unpack(header)
        flags, method, dos_time, dos_date, crc, compressed, size, name_len, extra_len = fields[2:]
        name = fp.read(name_len)
        data_start = offset + _LOCAL_HEADER.size + name_len + extra_len
        info = zipfile.ZipInfo(date_time=_dos_datetime(dos_date, dos_time))
        info.extra = fp.read(extra_len)
        info.flag_bits, info.compress_type = flags, method
        info.compress_size, info.file_size, info.CRC = compressed, size, crc
        if not _salvage_member(fp, data_start, info, name, collector):
            return
        offset = data_start + compressed


def _salvage_member(
    fp: IO[bytes], start: int, info: zipfile.ZipInfo, raw_name: bytes, collector: _Collector
) -> bool:
    """Adds one member found by its local header; False when the walk cannot go on."""
    is_dir = raw_name.endswith(b"/") and info.file_size == 0
    kind: EntryKind = "directory" if is_dir else "file"
    times, time_issues = _zip_times(info)
    entry = collector.add(raw_name, kind, info.file_size if kind == "file" else None, times)
    entry.issues.extend([*time_issues, _SALVAGED])
    if info.flag_bits & _FLAG_DATA_DESCRIPTOR or info.compress_size == 0xFFFFFFFF:
        # Sizes live after the data (or in a zip64 field): where the next member starts is
        # unknown, so the walk stops here.
        entry.issues.append(_member_corrupt(ValueError("its size is not in its local header")))
        return False
    if kind == "directory":
        return True
    if info.flag_bits & _FLAG_ENCRYPTED:
        entry.issues.append(_ENCRYPTED)
        return True
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        entry.issues.append(_unsupported(ValueError(f"method {info.compress_type}")))
        return True
    raw = _raw_chunks(fp, start, info.compress_size)
    chunks = _crc_checked(_inflated(raw, info.compress_type == zipfile.ZIP_DEFLATED), info.CRC)
    try:
        collector.store_chunks(entry, chunks, info.file_size, info.compress_size)
    except _CrcMismatch:
        entry.issues.append(_CRC_MISMATCH)
    except (EOFError, zlib.error) as error:
        entry.issues.append(_member_corrupt(error))
        return False
    return True


class _CrcMismatch(Exception):
    pass


def _raw_chunks(fp: IO[bytes], start: int, length: int) -> Iterator[bytes]:
    position, remaining = start, length
    while remaining > 0:
        fp.seek(position)
        data = fp.read(min(CHUNK_SIZE, remaining))
        if not data:
            raise EOFError("the archive ends inside this member's data")
        position, remaining = position + len(data), remaining - len(data)
        yield data


def _inflated(chunks: Iterable[bytes], deflated: bool) -> Iterator[bytes]:
    """Raw deflate decoded in steps of at most one chunk of output, whatever the ratio."""
    if not deflated:
        yield from chunks
        return
    inflater = zlib.decompressobj(-15)
    for data in chunks:
        while data:
            yield inflater.decompress(data, CHUNK_SIZE)
            data = inflater.unconsumed_tail
    yield inflater.flush()


def _crc_checked(chunks: Iterable[bytes], expected: int) -> Iterator[bytes]:
    """Holds the last chunk back until the CRC is known good, so a bad member is never
    committed to the store."""
    crc, held = 0, b""
    for chunk in chunks:
        if chunk:
            crc = zlib.crc32(chunk, crc)
            if held:
                yield held
            held = chunk
    if crc != expected:
        raise _CrcMismatch
    if held:
        yield held


def _dos_datetime(dos_date: int, dos_time: int) -> tuple[int, int, int, int, int, int]:
    return (
        (dos_date >> 9) + 1980,
        (dos_date >> 5) & 0xF,
        dos_date & 0x1F,
        dos_time >> 11,
        (dos_time >> 5) & 0x3F,
        (dos_time & 0x1F) * 2,
    )


# -- tar -----------------------------------------------------------------------------------
_TAR_OR_BOMB_ERRORS: tuple[type[Exception], ...] = (*_TAR_ERRORS, _StreamRatioExceeded)


def _expand_plain_tar(path: Path, fmt: str, collector: _Collector) -> None:
    with open(path, "rb") as fp:
        _expand_tar(fp, collector)


def _expand_tar(stream: _RatioGuard | IO[bytes], collector: _Collector) -> None:
    """Reads the tar forward only ("r|"), so a compressed stream is never re-read or seeked."""
    damage: list[str] = []
    try:
        with tarfile.open(
            fileobj=stream,
            mode="r|",
            tarinfo=_recording_tarinfo(damage),
            encoding="utf-8",
            errors="surrogateescape",
        ) as archive:
            _list_tar(archive, collector)
    except _StreamRatioExceeded:
        collector.expansion.issues.append(collector.bomb_issue())
    except _TAR_ERRORS as error:
        collector.archive_corrupt(error)
    for message in damage:
        collector.archive_corrupt(message)


def _list_tar(archive: tarfile.TarFile, collector: _Collector) -> None:
    while (info := archive.next()) is not None:
        _forget_members(archive)
        if collector.full:
            collector.too_many(*_count_rest(archive))
            return
        _add_tar_member(archive, info, collector)


def _forget_members(archive: tarfile.TarFile) -> None:
    # tarfile keeps every header it has read; "r|" mode never looks back, so memory stays flat.
    archive.members.clear()  # type: ignore[attr-defined]  # public, missing from the stubs


def _count_rest(archive: tarfile.TarFile) -> tuple[int, bool]:
    count = 1  # the member already read past the limit
    try:
        while archive.next() is not None:
            _forget_members(archive)
            count += 1
    except _TAR_OR_BOMB_ERRORS:
        return count, False
    return count, True


def _add_tar_member(archive: tarfile.TarFile, info: tarfile.TarInfo, collector: _Collector) -> None:
    times = _tar_times(info)
    if info.isdir():
        collector.add(info.name, "directory", None, times)
    elif info.issym() or info.islnk():
        _add_tar_link(info, collector, times)
    elif info.ischr() or info.isblk() or info.isfifo():
        collector.add(info.name, "special", None, times).issues.append(_SPECIAL)
    else:
        entry = collector.add(info.name, "file", info.size, times)
        if not info.isreg():
            entry.issues.append(_UNKNOWN_TYPE)
        _read_tar_content(archive, info, entry, collector)


def _read_tar_content(
    archive: tarfile.TarFile, info: tarfile.TarInfo, entry: MemberEntry, collector: _Collector
) -> None:
    """Stores the member; a stream-wide failure is noted on it, then ends the listing."""
    stream = archive.extractfile(info)
    assert stream is not None, "tarfile gives a reader for every non-link, non-special member"
    try:
        collector.store_chunks(entry, _chunks(stream), info.size, _tar_stored_size(info))
    except _StreamRatioExceeded:
        entry.issues.append(collector.bomb_issue())
        raise
    except _TAR_ERRORS as error:
        entry.issues.append(_member_corrupt(error))
        raise


def _add_tar_link(info: tarfile.TarInfo, collector: _Collector, times: dict[str, str]) -> None:
    symlink = info.issym()
    entry = collector.add(info.name, "symlink" if symlink else "hardlink", None, times)
    entry.link_target = printable(info.linkname)
    entry.issues.append(_SYMLINK if symlink else _HARDLINK)
    if _tar_link_escapes(info):
        entry.issues.append(_LINK_ESCAPES)


def _tar_stored_size(info: tarfile.TarInfo) -> int:
    # A sparse member stores only its data blocks; the holes are zeros it can expand to.
    sparse: list[tuple[int, int]] | None = getattr(info, "sparse", None)
    return sum(size for _, size in sparse) if sparse else info.size


def _tar_times(info: tarfile.TarInfo) -> dict[str, str]:
    times: dict[str, str] = {}
    for key, value in (
        ("modified", info.mtime),
        ("accessed", info.pax_headers.get("atime")),
        ("changed", info.pax_headers.get("ctime")),
    ):
        try:
            iso = _iso_utc(float(value)) if value is not None else None
        except ValueError:
            iso = None
        if iso:
            times[key] = iso
    return times


def _tar_link_escapes(info: tarfile.TarInfo) -> bool:
    if link_escapes_root(info.name, info.linkname, relative_to_root=info.islnk()):
        return True
    # A second opinion from tarfile's own "data" extraction filter (Python >= 3.11.4).
    data_filter: Callable[[tarfile.TarInfo, str], object] | None
    data_filter = getattr(tarfile, "data_filter", None)
    if data_filter is None:
        return False
    try:
        data_filter(info, _FILTER_ROOT)
    except (tarfile.AbsoluteLinkError, tarfile.LinkOutsideDestinationError):
        return True
    except tarfile.FilterError:
        return False
    return False


def _recording_tarinfo(damage: list[str]) -> type[tarfile.TarInfo]:
    """A TarInfo class that notes damaged headers: tarfile itself ends the listing silently
    at a bad header after the first, which would hide every member after it."""

    class RecordingTarInfo(tarfile.TarInfo):
        @classmethod
        def fromtarfile(cls, tarfile_: tarfile.TarFile) -> Self:
            try:
                return super().fromtarfile(tarfile_)
            except _BAD_TAR_HEADERS as error:
                if tarfile_.offset:  # at the start, tarfile itself raises ReadError
                    damage.append(f"a damaged member header at byte {tarfile_.offset:,}: {error}")
                raise
            except _EMPTY_TAR_HEADER:
                if tarfile_.offset:
                    damage.append("it ends without the end-of-archive marker")
                raise

    return RecordingTarInfo


# -- gzip, bzip2, xz -----------------------------------------------------------------------
def _open_decompressed(path: Path, fmt: str) -> _ByteStream:
    if fmt == "gzip":
        return gzip.GzipFile(path, "rb")
    if fmt == "bzip2":
        return bz2.BZ2File(path, "rb")
    return lzma.LZMAFile(path, "rb")


def _expand_compressed(path: Path, fmt: str, collector: _Collector) -> None:
    compressed_size = path.stat().st_size
    stream = _open_decompressed(path, fmt)
    try:
        head = stream.read(tarfile.BLOCKSIZE)
    except _DECOMPRESS_ERRORS:
        head = b""  # not even one tar header: read as a single file, which notes the damage
    finally:
        stream.close()
    if _is_tar_header(head):
        collector.expansion.format = "tar" + _COMPRESSED_SUFFIX[fmt]
        stream = _open_decompressed(path, fmt)
        try:
            _expand_tar(_RatioGuard(stream, compressed_size, collector.limits), collector)
        finally:
            stream.close()
    else:
        _expand_single(path, fmt, collector, compressed_size)


def _is_tar_header(block: bytes) -> bool:
    try:
        tarfile.TarInfo.frombuf(block, "utf-8", "surrogateescape")
    except tarfile.HeaderError:
        return False
    return True


def _expand_single(path: Path, fmt: str, collector: _Collector, compressed_size: int) -> None:
    name, times = _single_member_name(path, fmt, collector.display_name)
    entry = collector.add(name, "file", None, times)
    stream = _open_decompressed(path, fmt)
    try:
        collector.store_chunks(entry, _chunks(stream), None, compressed_size)
    except _DECOMPRESS_ERRORS as error:
        crc = isinstance(error, gzip.BadGzipFile) and "CRC check failed" in str(error)
        entry.issues.append(_CRC_MISMATCH if crc else _member_corrupt(error))
        collector.archive_corrupt(error)
    finally:
        stream.close()


def _single_member_name(
    path: Path, fmt: str, display_name: str | None = None
) -> tuple[str | bytes, dict[str, str]]:
    """The archive's name without its suffix; failing that (a stored blob has none), the
    original name a gzip header records, else the file name as it is."""
    suffix = _COMPRESSED_SUFFIX[fmt]
    original, mtime = _gzip_header(path) if fmt == "gzip" else (None, 0)
    times = {"modified": iso} if mtime and (iso := _iso_utc(mtime)) else {}
    name = (display_name or path.name).rsplit("/", 1)[-1]
    if name.lower().endswith(suffix) and len(name) > len(suffix):
        return name[: -len(suffix)], times
    return (original or name), times


def _gzip_header(path: Path) -> tuple[bytes | None, int]:
    """The FNAME and MTIME fields of a gzip header (RFC 1952)."""
    with open(path, "rb") as fp:
        head = fp.read(10)
        if len(head) < 10 or not head.startswith(b"\x1f\x8b"):
            return None, 0
        flags, mtime = head[3], struct.unpack_from("<I", head, 4)[0]
        if flags & 0x04:  # FEXTRA
            (extra_length,) = struct.unpack("<H", fp.read(2).ljust(2, b"\0"))
            fp.seek(extra_length, 1)
        name = fp.read(MAX_LINK_TARGET).split(b"\0", 1)[0] if flags & 0x08 else None
    return name or None, mtime


# -- 7z ------------------------------------------------------------------------------------
# py7zr parses hostile input in pure Python: malformed archives surface as assorted built-in
# exceptions besides its own, and all of them mean the archive is damaged.
_SEVEN_ZIP_ERRORS: tuple[type[Exception], ...] = (Exception,)


def _expand_7z(path: Path, fmt: str, collector: _Collector) -> None:
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


def _expand_7z_members(archive: py7zr.SevenZipFile, fp: IO[bytes], collector: _Collector) -> None:
    files = list(archive.files)
    if len(files) > collector.limits.max_entries:
        collector.too_many(len(files) - collector.limits.max_entries)
    with_content: dict[int, MemberEntry] = {}
    for member in files[: collector.limits.max_entries]:
        entry = _add_7z_member(member, collector)
        if entry.kind not in ("file", "symlink"):
            continue
        if member.emptystream or member.uncompressed == 0:  # nothing to decompress or decrypt
            _store_empty(entry, collector)
        else:
            with_content[member.id] = entry
    if archive.needs_password():
        for entry in with_content.values():
            entry.issues.append(_ENCRYPTED)
    elif with_content:
        _SevenZipExtraction(archive, fp, files, with_content, collector).run()


def _store_empty(entry: MemberEntry, collector: _Collector) -> None:
    if entry.kind == "symlink":
        entry.link_target = ""
    else:
        collector.store_chunks(entry, [], 0, 0)


def _add_7z_member(member: ArchiveFile, collector: _Collector) -> MemberEntry:
    properties = member.file_properties()
    times = {
        key: iso
        for key, field in (
            ("modified", "lastwritetime"),
            ("accessed", "lastaccesstime"),
            ("created", "creationtime"),
        )
        if isinstance(value := properties.get(field), int) and (iso := _filetime_iso(value))
    }
    kind = _7z_kind(member)
    entry = collector.add(member.filename, kind, member.uncompressed if kind == "file" else None)
    entry.times = times
    if kind == "symlink":
        entry.issues.append(_SYMLINK)
    elif kind == "special":
        entry.issues.append(_SPECIAL)
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
        self.writer: _GuardedWriter | None = None
        if self._link is None:
            base = extraction.ratio_base(file_id)
            self.writer = extraction.collector.open_writer(self._entry, None, base)

    def write(self, s: bytes | bytearray) -> int:
        if self.writer is not None:
            self.writer.write(memoryview(s))
        elif self._link is not None and len(self._link) <= MAX_LINK_TARGET:
            self._link += s[: MAX_LINK_TARGET + 1 - len(self._link)]
        return len(s)

    def close(self) -> None:
        if self.writer is not None:
            self._extraction.collector.committed(self._entry, self.writer.commit())
        elif self._link is None:
            pass  # no writer: the reason is already on the entry
        elif len(self._link) > MAX_LINK_TARGET:
            self._entry.issues.append(_LINK_TOO_LONG)
        else:
            target = self._link.decode("utf-8", "surrogateescape")
            self._entry.link_target = printable(target)
            if link_escapes_root(self._extraction.raw_names[self.file_id], target):
                self._entry.issues.append(_LINK_ESCAPES)
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
        collector: _Collector,
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
            self._fail_pending(_member_corrupt(error))
            self.collector.archive_corrupt(error)
            return False
        sink.abort()
        entry = self.entries[sink.file_id]
        self.pending.discard(sink.file_id)
        if isinstance(error, BlobTooLarge | _MemberRatioExceeded):
            assert sink.writer is not None
            self.collector.limit_reached(entry, error, sink.writer.cap)
        elif isinstance(error, CrcError):
            entry.issues.append(_CRC_MISMATCH)
        elif isinstance(error, UnsupportedCompressionMethodError):
            entry.issues.append(_unsupported(error))
        else:
            entry.issues.append(_member_corrupt(error))
            self.collector.archive_corrupt(error)
        if self.collector.total_exceeded:
            self._fail_pending(_SKIPPED_TOTAL)
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
        f"({_reason(error) if not isinstance(error, _MemberRatioExceeded) else 'a bomb'}), "
        "and this member cannot be reached without decompressing through it.",
    )


def _unsupported(error: BaseException) -> Issue:
    return Issue.error(
        "unsupported_compression",
        f"The member uses a compression method Vigil cannot decode ({_reason(error)}); its "
        "content was not stored.",
    )


_EXPANDERS: dict[str, Callable[[Path, str, _Collector], None]] = {
    "zip": _expand_zip,
    "7z": _expand_7z,
    "tar": _expand_plain_tar,
}

# -- issues --------------------------------------------------------------------------------
_DUPLICATE_NAME = Issue.warning(
    "duplicate_member_name",
    "An earlier member of this archive has exactly the same name; extracting both would "
    "overwrite one with the other. Vigil keeps both.",
)
_NAME_COLLISION = Issue.warning(
    "name_collision",
    "An earlier member's name differs from this one only in letter case or Unicode form; on "
    "Windows or macOS extracting both would overwrite one with the other. Vigil keeps both.",
)
_SKIPPED_TOTAL = Issue.error(
    "skipped_total_size",
    "Not stored: the archive's members already reached the total size limit.",
)
_OVERLAPPING = Issue.error(
    "overlapping_entries",
    "This zip entry shares its compressed data with another entry, the construction of an "
    "overlapping zip bomb; its content was not expanded.",
)
_ENCRYPTED = Issue.error(
    "encrypted",
    "The member is encrypted; Vigil does not try passwords, so its content was not read. Its "
    "name, size and times are as the archive lists them.",
)
_CRC_MISMATCH = Issue.error(
    "crc_mismatch",
    "The member's content does not match the checksum the archive records (damaged or "
    "altered); nothing is kept for it.",
)
_SYMLINK = Issue.warning(
    "archive_symlink",
    "A symbolic link inside the archive: recorded with its target, never created or followed.",
)
_HARDLINK = Issue.warning(
    "archive_hardlink",
    "A hard link inside the archive: recorded with its target, never created or followed.",
)
_LINK_ESCAPES = Issue.warning(
    "link_escapes_archive",
    "The link points outside the archive (an absolute path or one climbing with '..'); "
    "extracted by another tool it could expose or overwrite files elsewhere.",
)
_LINK_TOO_LONG = Issue.error(
    "link_target_too_long",
    f"The link's target is longer than {MAX_LINK_TARGET} bytes, so it is not a real path; "
    "it was not read.",
)
_SPECIAL = Issue.warning(
    "special_member",
    "A device, FIFO or socket entry: recorded, never created or read.",
)
_UNKNOWN_TYPE = Issue.warning(
    "unknown_member_type",
    "The tar marks this member with a type Vigil does not know; its data is stored as a file.",
)
_NAIVE_TIME = Issue.warning(
    "naive_time",
    "The zip records this time as the local time of the machine that made it, with no time "
    "zone; it is kept as written, not converted to UTC.",
)
_INVALID_TIME = Issue.warning(
    "invalid_time",
    "The archive records an impossible date or time for this member; no time is kept.",
)
_SALVAGED = Issue.warning(
    "salvaged_member",
    "Found by reading the archive from its start, because its directory of members was "
    "unreadable: names and sizes come from the member's own header.",
)
