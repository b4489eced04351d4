"""gzip, bzip2 and xz: a compressed tar is expanded as a tar under a ratio guard on the whole
stream; anything else is one compressed file, named after the archive or its gzip header.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import struct
import tarfile
from pathlib import Path

from vigil.sources.archives.common import (
    CRC_MISMATCH,
    DECOMPRESS_ERRORS,
    Collector,
    iso_utc,
    member_corrupt,
    read_chunks,
)
from vigil.sources.archives.guards import MAX_LINK_TARGET, ByteStream, RatioGuard
from vigil.sources.archives.tar import expand_tar, is_tar_header

_COMPRESSED_SUFFIX = {"gzip": ".gz", "bzip2": ".bz2", "xz": ".xz"}


def expand_compressed(path: Path, fmt: str, collector: Collector) -> None:
    compressed_size = path.stat().st_size
    stream = _open_decompressed(path, fmt)
    try:
        head = stream.read(tarfile.BLOCKSIZE)
    except DECOMPRESS_ERRORS:
        head = b""  # not even one tar header: read as a single file, which notes the damage
    finally:
        stream.close()
    if is_tar_header(head):
        collector.expansion.format = "tar" + _COMPRESSED_SUFFIX[fmt]
        stream = _open_decompressed(path, fmt)
        try:
            expand_tar(RatioGuard(stream, compressed_size, collector.limits), collector)
        finally:
            stream.close()
    else:
        _expand_single(path, fmt, collector, compressed_size)


def _open_decompressed(path: Path, fmt: str) -> ByteStream:
    if fmt == "gzip":
        return gzip.GzipFile(path, "rb")
    if fmt == "bzip2":
        return bz2.BZ2File(path, "rb")
    return lzma.LZMAFile(path, "rb")


def _expand_single(path: Path, fmt: str, collector: Collector, compressed_size: int) -> None:
    name, times = _single_member_name(path, fmt, collector.display_name)
    entry = collector.add(name, "file", None, times)
    stream = _open_decompressed(path, fmt)
    try:
        collector.store_chunks(entry, read_chunks(stream), None, compressed_size)
    except DECOMPRESS_ERRORS as error:
        crc = isinstance(error, gzip.BadGzipFile) and "CRC check failed" in str(error)
        entry.issues.append(CRC_MISMATCH if crc else member_corrupt(error))
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
    times = {"modified": iso} if mtime and (iso := iso_utc(mtime)) else {}
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
