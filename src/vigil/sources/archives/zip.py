"""ZIP: members from the central directory, overlapping entries (the "better zip bomb")
refused, UTC times from the extra fields; a zip whose directory is unreadable is salvaged by
walking its local headers.
"""

from __future__ import annotations

import stat
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

from vigil.core.entries import EntryKind, MemberEntry
from vigil.core.hashing import CHUNK_SIZE
from vigil.core.issues import Issue
from vigil.sources.archives.common import (
    CRC_MISMATCH,
    DECOMPRESS_ERRORS,
    ENCRYPTED,
    SPECIAL,
    SYMLINK,
    Collector,
    filetime_iso,
    iso_utc,
    member_corrupt,
    read_chunks,
    unsupported,
)
from vigil.sources.archives.guards import MAX_LINK_TARGET, record_link_target

# zipfile reports malformed structures as BadZipFile, but also as these (a bad UTF-8 name is a
# UnicodeDecodeError, a negative size a ValueError, a damaged version NotImplementedError).
_ZIP_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    NotImplementedError,  # "zip file version 7.1": a damaged version field
    ValueError,
    struct.error,
    *DECOMPRESS_ERRORS,
)
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_FLAG_ENCRYPTED = 0x1
_FLAG_DATA_DESCRIPTOR = 0x8
_FLAG_UTF8 = 0x800
_UNIX = 3


def expand_zip(path: Path, fmt: str, collector: Collector) -> None:
    with open(path, "rb") as fp:
        try:
            archive = zipfile.ZipFile(fp)
        except _ZIP_ERRORS as error:
            collector.archive_corrupt(error)
            _salvage_zip(fp, collector)
            return
        with archive:
            infos = archive.infolist()
            listed = collector.listed(infos)
            overlapping = _overlapping_entries(fp, infos)
            for index, info in enumerate(listed):
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
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, overlapping: bool, collector: Collector
) -> None:
    kind = _zip_kind(info)
    times, time_issues = _zip_times(info)
    declared = info.file_size if kind == "file" else None
    entry = collector.add(_zip_raw_name(info), kind, declared, times)
    entry.issues.extend(time_issues)
    if kind == "directory":
        return
    if kind == "symlink":
        entry.issues.append(SYMLINK)
    if overlapping:
        entry.issues.append(_OVERLAPPING)
    elif info.flag_bits & _FLAG_ENCRYPTED:
        entry.issues.append(ENCRYPTED)
    elif kind == "special":
        entry.issues.append(SPECIAL)
    else:
        _read_zip_content(archive, info, entry, collector)


def _read_zip_content(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, entry: MemberEntry, collector: Collector
) -> None:
    try:
        with archive.open(info) as stream:
            if entry.kind == "symlink":
                data = stream.read(MAX_LINK_TARGET + 1)
                record_link_target(entry, data, info.orig_filename)
            else:
                chunks = read_chunks(stream)
                collector.store_chunks(entry, chunks, info.file_size, info.compress_size)
    except NotImplementedError as error:  # a compression method zipfile lacks (deflate64...)
        entry.issues.append(unsupported(error))
    except zipfile.BadZipFile as error:
        crc = str(error).startswith("Bad CRC-32")
        entry.issues.append(CRC_MISMATCH if crc else member_corrupt(error))
    except _ZIP_ERRORS as error:
        entry.issues.append(member_corrupt(error))


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
            modified = iso_utc(struct.unpack_from("<I", data, 1)[0])
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
            return {name: iso for name, value in named if (iso := filetime_iso(value))}
    return {}


# -- salvage -------------------------------------------------------------------------------
def _salvage_zip(fp: IO[bytes], collector: Collector) -> None:
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
    fp: IO[bytes], start: int, info: zipfile.ZipInfo, raw_name: bytes, collector: Collector
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
        entry.issues.append(member_corrupt(ValueError("its size is not in its local header")))
        return False
    if kind == "directory":
        return True
    if info.flag_bits & _FLAG_ENCRYPTED:
        entry.issues.append(ENCRYPTED)
        return True
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        entry.issues.append(unsupported(ValueError(f"method {info.compress_type}")))
        return True
    raw = _raw_chunks(fp, start, info.compress_size)
    chunks = _crc_checked(_inflated(raw, info.compress_type == zipfile.ZIP_DEFLATED), info.CRC)
    try:
        collector.store_chunks(entry, chunks, info.file_size, info.compress_size)
    except _CrcMismatch:
        entry.issues.append(CRC_MISMATCH)
    except (EOFError, zlib.error) as error:
        entry.issues.append(member_corrupt(error))
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


# -- issues --------------------------------------------------------------------------------
_OVERLAPPING = Issue.error(
    "overlapping_entries",
    "This zip entry shares its compressed data with another entry, the construction of an "
    "overlapping zip bomb; its content was not expanded.",
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
