"""Walks one file system of an image into the collector: every name an item, deleted ones
flagged, each file's content streamed into the store, the file system's own times kept.

The Sleuth Kit's walk (`walk_tsk`) sees deleted names and orphan files; dfVFS's
(`walk_dfvfs`, for APFS and XFS) allocated files only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytsk3

from vigil.core.entries import EntryKind, MemberEntry
from vigil.core.hashing import CHUNK_SIZE
from vigil.core.issues import Issue
from vigil.sources.archives.common import Collector, member_corrupt

MAX_FOLDER_DEPTH = 256  # deeper is a loop in a damaged file system, not a real tree
_KINDS: dict[int, EntryKind] = {
    int(pytsk3.TSK_FS_META_TYPE_REG): "file",
    int(pytsk3.TSK_FS_META_TYPE_DIR): "directory",
    int(pytsk3.TSK_FS_META_TYPE_VIRT_DIR): "directory",
    int(pytsk3.TSK_FS_META_TYPE_LNK): "symlink",
}
_NAME_KINDS: dict[int, EntryKind] = {
    int(pytsk3.TSK_FS_NAME_TYPE_REG): "file",
    int(pytsk3.TSK_FS_NAME_TYPE_DIR): "directory",
    int(pytsk3.TSK_FS_NAME_TYPE_LNK): "symlink",
}
_VIRTUAL = int(pytsk3.TSK_FS_META_TYPE_VIRT)  # FAT's $MBR, $FAT1 ...: views of the volume
_NTFS_DATA = int(pytsk3.TSK_FS_ATTR_TYPE_NTFS_DATA)
_ORPHANS = b"$OrphanFiles"
_VOLUME_LABEL = "(Volume Label Entry)"
# FAT records local time without a zone; the others UTC. (seconds, what to call the precision)
_PRECISION = {
    "fat12": "2 s", "fat16": "2 s", "fat32": "2 s", "exfat": "10 ms",
    "ext2": "1 s", "ext3": "1 s", "ext4": "1 ns", "ntfs": "100 ns", "hfs": "1 s",
}  # fmt: skip
_LOCAL_TIME_FILE_SYSTEMS = frozenset({"fat12", "fat16", "fat32", "exfat"})


def walk_tsk(
    fs_info: pytsk3.FS_Info, prefix: str, volume: str, fs_type: str, collector: Collector
) -> None:
    walker = _TskWalk(fs_info, prefix, volume, fs_type, collector)
    walker.folder(fs_info.open_dir(inode=fs_info.info.root_inum), "", 0, deleted=False)


class _TskWalk:
    def __init__(
        self, fs_info: pytsk3.FS_Info, prefix: str, volume: str, fs_type: str, collector: Collector
    ) -> None:
        self.fs_info = fs_info
        self.prefix = prefix
        self.volume = volume
        self.fs_type = fs_type
        self.collector = collector
        self.local_time = fs_type in _LOCAL_TIME_FILE_SYSTEMS
        self.seen_folders: set[int] = set()

    def folder(self, directory: Any, path: str, depth: int, *, deleted: bool) -> None:
        for tsk_file in directory:
            if self.collector.full:
                self.collector.too_many(1, complete=False)
                return
            name = tsk_file.info.name.name
            if name in (b".", b".."):
                continue
            self.entry(tsk_file, f"{path}{name.decode('utf-8', 'surrogateescape')}", depth, deleted)

    def entry(self, tsk_file: Any, path: str, depth: int, parent_deleted: bool) -> None:
        info = tsk_file.info
        meta = info.meta
        if meta is not None and int(meta.type) == _VIRTUAL:
            return
        if path.endswith(_VOLUME_LABEL) and self.fs_type in _LOCAL_TIME_FILE_SYSTEMS:
            return  # FAT's volume label, which TSK lists as a file: named in the volume's facts
        deleted = parent_deleted or _unallocated(info)
        kind = _kind(info)
        facts: dict[str, Any] = {"volume": self.volume, "file_system": self.fs_type}
        if meta is not None:
            facts["inode"] = int(meta.addr)
        facts["deleted"] = deleted
        size = int(meta.size) if meta is not None and kind == "file" else None
        entry = self.collector.add(f"{self.prefix}{path}", kind, size, self.times(meta))
        entry.facts = facts
        if self.local_time and entry.times and kind == "file":
            entry.issues.append(_LOCAL_TIME)
        if deleted:
            entry.issues.append(_DELETED if meta is not None else _DELETED_NO_METADATA)
        if kind == "directory":
            self.subfolder(tsk_file, path, depth, deleted or info.name.name == _ORPHANS)
        elif kind == "symlink" and meta is not None:
            entry.link_target = _text(meta.link) or None
        elif kind == "file" and meta is not None:
            self.content(tsk_file, entry, size or 0)
            if self.fs_type == "ntfs":
                self.streams(tsk_file, path, facts)

    def subfolder(self, tsk_file: Any, path: str, depth: int, deleted: bool) -> None:
        meta = tsk_file.info.meta
        if meta is None or depth >= MAX_FOLDER_DEPTH or int(meta.addr) in self.seen_folders:
            return  # a loop or a name whose folder is gone: listed, not entered
        self.seen_folders.add(int(meta.addr))
        try:
            directory = tsk_file.as_directory()
        except OSError as error:
            if not deleted:  # a deleted folder's entries are often overwritten: no news
                self.collector.expansion.issues.append(_unreadable_folder(path, error))
            return
        self.folder(directory, f"{path}/", depth + 1, deleted=deleted)

    def content(self, tsk_file: Any, entry: MemberEntry, size: int, attr: Any = None) -> None:
        try:
            self.collector.store_chunks(entry, _chunks(tsk_file, size, attr), size, size)
        except OSError as error:
            entry.issues.append(member_corrupt(error))

    def streams(self, tsk_file: Any, path: str, facts: dict[str, Any]) -> None:
        """NTFS alternate data streams, each an item `path:stream`."""
        if path == "$BadClus":
            return  # its $Bad stream is a sparse map of the whole volume, not content
        for attr in tsk_file:
            name = attr.info.name
            if int(attr.info.type) != _NTFS_DATA or not name:
                continue
            stream = _text(name)
            size = int(attr.info.size)
            entry = self.collector.add(f"{self.prefix}{path}:{stream}", "file", size)
            entry.facts = facts | {"stream": stream}
            self.content(tsk_file, entry, size, attr)

    def times(self, meta: Any) -> dict[str, str]:
        if meta is None:
            return {}
        times = {}
        for key, seconds, nanos in (
            ("modified", meta.mtime, getattr(meta, "mtime_nano", 0)),
            ("accessed", meta.atime, getattr(meta, "atime_nano", 0)),
            ("changed", meta.ctime, getattr(meta, "ctime_nano", 0)),
            ("created", meta.crtime, getattr(meta, "crtime_nano", 0)),
        ):
            text = _iso(int(seconds or 0), int(nanos or 0), local=self.local_time)
            if text is not None:
                times[key] = text
        return times


def walk_dfvfs(
    file_system: Any, prefix: str, volume: str, fs_type: str, collector: Collector
) -> None:
    """A file system dfVFS reads but TSK does not: allocated files, times as dfVFS gives them."""
    facts = {"volume": volume, "file_system": fs_type, "deleted": False}
    stack: list[tuple[Any, str, int]] = [(file_system.GetRootFileEntry(), "", 0)]
    while stack:
        folder, path, depth = stack.pop()
        for sub_entry in folder.sub_file_entries:
            if collector.full:
                collector.too_many(1, complete=False)
                return
            name = f"{path}{sub_entry.name}"
            kind: EntryKind = (
                "directory"
                if sub_entry.IsDirectory()
                else "symlink"
                if sub_entry.IsLink()
                else "file"
            )
            size = sub_entry.size if kind == "file" else None
            entry = collector.add(f"{prefix}{name}", kind, size, _dfvfs_times(sub_entry))
            entry.facts = dict(facts)
            if kind == "directory" and depth < MAX_FOLDER_DEPTH:
                stack.append((sub_entry, f"{name}/", depth + 1))
            elif kind == "file":
                _store_dfvfs(sub_entry, entry, size or 0, collector)


def _store_dfvfs(file_entry: Any, entry: MemberEntry, size: int, collector: Collector) -> None:
    try:
        file_object = file_entry.GetFileObject()
        if file_object is None:
            return
        collector.store_chunks(entry, iter(lambda: file_object.read(CHUNK_SIZE), b""), size, size)
    except OSError as error:
        entry.issues.append(member_corrupt(error))


def _dfvfs_times(file_entry: Any) -> dict[str, str]:
    times = {}
    for key, attribute in (
        ("modified", "modification_time"),
        ("accessed", "access_time"),
        ("changed", "change_time"),
        ("created", "creation_time"),
    ):
        value = getattr(file_entry, attribute, None)
        text = value.CopyToDateTimeStringISO8601() if value is not None else None
        if text:
            times[key] = text
    return times


def _chunks(tsk_file: Any, size: int, attr: Any) -> Iterator[bytes]:
    offset = 0
    while offset < size:
        length = min(CHUNK_SIZE, size - offset)
        if attr is None:
            chunk = tsk_file.read_random(offset, length)
        else:
            chunk = tsk_file.read_random(offset, length, attr.info.type, attr.info.id)
        if not chunk:
            raise OSError(f"the content ends at byte {offset:,} of {size:,}")
        yield chunk
        offset += len(chunk)


def _unallocated(info: Any) -> bool:
    if int(info.name.flags) & int(pytsk3.TSK_FS_NAME_FLAG_UNALLOC):
        return True
    meta = info.meta
    return meta is not None and bool(int(meta.flags) & int(pytsk3.TSK_FS_META_FLAG_UNALLOC))


def _kind(info: Any) -> EntryKind:
    if info.meta is not None:
        return _KINDS.get(int(info.meta.type), "special")
    return _NAME_KINDS.get(int(info.name.type), "file")


def _text(value: bytes | str | None) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    return value or ""


def _iso(seconds: int, nanos: int, *, local: bool) -> str | None:
    if seconds <= 0:
        return None
    try:
        moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(
            seconds=seconds, microseconds=nanos // 1000
        )
    except OverflowError:
        return None
    # TSK turns FAT's local time into seconds as if it were UTC: written back without a zone.
    return moment.replace(tzinfo=None).isoformat() if local else moment.isoformat()


def precision_of(fs_type: str) -> str | None:
    """How finely the file system records its times ("2 s" for FAT's modified time ...)."""
    return _PRECISION.get(fs_type)


def _unreadable_folder(path: str, error: BaseException) -> Issue:
    return Issue.error(
        "unreadable_directory",
        f"The folder {path or '/'} of the image could not be listed ({error}); what it holds "
        "is missing.",
    )


_DELETED = Issue.warning(
    "deleted_file",
    "A deleted file whose metadata still points to content: recovered as it is now, which may "
    "be partly or wholly overwritten by later files.",
)
_DELETED_NO_METADATA = Issue.warning(
    "deleted_file",
    "The name of a deleted file whose metadata is gone: listed, its content cannot be found.",
)
_LOCAL_TIME = Issue.warning(
    "naive_time",
    "FAT records times as the local time of the machine that wrote them, with no time zone; "
    "they are kept as written, not converted to UTC.",
)
