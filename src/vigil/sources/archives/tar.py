"""tar, plain or inside a compressed stream: read forward only, so a .tar.gz is decompressed
once; links are recorded with their targets, and damaged headers tarfile would skip silently
are reported.
"""

from __future__ import annotations

import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Self

from vigil.core.entries import MemberEntry
from vigil.core.issues import Issue
from vigil.sources.archives.common import (
    DECOMPRESS_ERRORS,
    SPECIAL,
    SYMLINK,
    Collector,
    iso_utc,
    member_corrupt,
    read_chunks,
)
from vigil.sources.archives.guards import LINK_ESCAPES, RatioGuard, StreamRatioExceeded
from vigil.sources.names import link_escapes_root, printable

_TAR_ERRORS: tuple[type[Exception], ...] = (tarfile.TarError, *DECOMPRESS_ERRORS)
_TAR_OR_BOMB_ERRORS: tuple[type[Exception], ...] = (*_TAR_ERRORS, StreamRatioExceeded)
# tarfile's header errors are undocumented (not in the type stubs); these two mean damage,
# EmptyHeaderError after the first member means the end-of-archive marker is missing.
_BAD_TAR_HEADERS: tuple[type[Exception], ...] = tuple(
    getattr(tarfile, name) for name in ("InvalidHeaderError", "TruncatedHeaderError")
)
_EMPTY_TAR_HEADER: type[Exception] = getattr(tarfile, "EmptyHeaderError")  # noqa: B009
# Only checked against, never created: tarfile's own filter resolves link targets under it.
_FILTER_ROOT = "/nonexistent-vigil-archive-root"


def expand_plain_tar(path: Path, fmt: str, collector: Collector) -> None:
    with open(path, "rb") as fp:
        expand_tar(fp, collector)


def expand_tar(stream: RatioGuard | IO[bytes], collector: Collector) -> None:
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
    except StreamRatioExceeded:
        collector.expansion.issues.append(collector.budget.bomb_issue())
    except _TAR_ERRORS as error:
        collector.archive_corrupt(error)
    for message in damage:
        collector.archive_corrupt(message)


def is_tar_header(block: bytes) -> bool:
    try:
        tarfile.TarInfo.frombuf(block, "utf-8", "surrogateescape")
    except tarfile.HeaderError:
        return False
    return True


def _list_tar(archive: tarfile.TarFile, collector: Collector) -> None:
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


def _add_tar_member(archive: tarfile.TarFile, info: tarfile.TarInfo, collector: Collector) -> None:
    times = _tar_times(info)
    if info.isdir():
        collector.add(info.name, "directory", None, times)
    elif info.issym() or info.islnk():
        _add_tar_link(info, collector, times)
    elif info.ischr() or info.isblk() or info.isfifo():
        collector.add(info.name, "special", None, times).issues.append(SPECIAL)
    else:
        entry = collector.add(info.name, "file", info.size, times)
        if not info.isreg():
            entry.issues.append(_UNKNOWN_TYPE)
        _read_tar_content(archive, info, entry, collector)


def _read_tar_content(
    archive: tarfile.TarFile, info: tarfile.TarInfo, entry: MemberEntry, collector: Collector
) -> None:
    """Stores the member; a stream-wide failure is noted on it, then ends the listing."""
    stream = archive.extractfile(info)
    assert stream is not None, "tarfile gives a reader for every non-link, non-special member"
    try:
        collector.store_chunks(entry, read_chunks(stream), info.size, _tar_stored_size(info))
    except StreamRatioExceeded:
        entry.issues.append(collector.budget.bomb_issue())
        raise
    except _TAR_ERRORS as error:
        entry.issues.append(member_corrupt(error))
        raise


def _add_tar_link(info: tarfile.TarInfo, collector: Collector, times: dict[str, str]) -> None:
    symlink = info.issym()
    entry = collector.add(info.name, "symlink" if symlink else "hardlink", None, times)
    entry.link_target = printable(info.linkname)
    entry.issues.append(SYMLINK if symlink else _HARDLINK)
    if _tar_link_escapes(info):
        entry.issues.append(LINK_ESCAPES)


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
            iso = iso_utc(float(value)) if value is not None else None
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


# -- issues --------------------------------------------------------------------------------
_HARDLINK = Issue.warning(
    "archive_hardlink",
    "A hard link inside the archive: recorded with its target, never created or followed.",
)
_UNKNOWN_TYPE = Issue.warning(
    "unknown_member_type",
    "The tar marks this member with a type Vigil does not know; its data is stored as a file.",
)
