"""Reads a storage media image: dfVFS finds what it holds (EWF, VMDK, VHD(X), QCOW or raw;
MBR, GPT and APM partitions; BitLocker, LUKS and FileVault volumes; the file systems), and each
file system is walked with The Sleuth Kit (pytsk3), which, unlike dfVFS's own listing, also
gives the names of deleted files. APFS and XFS, which TSK does not read, are walked through
dfVFS (allocated files only).

Nothing is extracted whole: each file's content is streamed from the image into the evidence
store through the archive collector's guards. The image is opened read-only, and a damaged
volume or file system is an issue of the image while the rest is still read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytsk3
from dfvfs.helpers import source_scanner
from dfvfs.lib import definitions as dfvfs_definitions
from dfvfs.lib import errors as dfvfs_errors
from dfvfs.resolver import resolver

from vigil.core.entries import ArchiveExpansion, ArchiveLimits
from vigil.core.issues import Issue
from vigil.sources.archives.common import Collector, reason
from vigil.sources.images.filesystem import precision_of, walk_dfvfs, walk_tsk
from vigil.store.evidence import EvidenceStore

# TSK for every file system it reads: dfVFS would otherwise choose the libyal back-ends, which
# list allocated files only. Set once, for this process: the scanner reads these globals.
for _kind in ("EXT", "FAT", "HFS", "NTFS"):
    setattr(dfvfs_definitions, f"PREFERRED_{_kind}_BACK_END", dfvfs_definitions.TYPE_INDICATOR_TSK)
# TSK's partitions for GPT too (as for MBR and APM): one kind of volume, each with its offset.
dfvfs_definitions.PREFERRED_GPT_BACK_END = dfvfs_definitions.TYPE_INDICATOR_TSK_PARTITION

_DFVFS_ERRORS: tuple[type[Exception], ...] = (dfvfs_errors.Error, OSError, RuntimeError)
_ENCRYPTED = {
    dfvfs_definitions.TYPE_INDICATOR_BDE: "BitLocker",
    dfvfs_definitions.TYPE_INDICATOR_LUKSDE: "LUKS",
    dfvfs_definitions.TYPE_INDICATOR_CS: "FileVault 2 (Core Storage)",
    dfvfs_definitions.TYPE_INDICATOR_APFS_CONTAINER: "APFS (encrypted)",
}
_VOLUME_KINDS = {
    dfvfs_definitions.TYPE_INDICATOR_TSK_PARTITION: "partition",
    dfvfs_definitions.TYPE_INDICATOR_GPT: "GPT partition",
    dfvfs_definitions.TYPE_INDICATOR_APM: "APM partition",
    dfvfs_definitions.TYPE_INDICATOR_APFS_CONTAINER: "APFS volume",
    dfvfs_definitions.TYPE_INDICATOR_LVM: "LVM volume",
}
_FILE_SYSTEMS_BY_DFVFS = {
    dfvfs_definitions.TYPE_INDICATOR_APFS: "APFS",
    dfvfs_definitions.TYPE_INDICATOR_XFS: "XFS",
    dfvfs_definitions.TYPE_INDICATOR_EXT: "ext",
    dfvfs_definitions.TYPE_INDICATOR_NTFS: "NTFS",
    dfvfs_definitions.TYPE_INDICATOR_FAT: "FAT",
    dfvfs_definitions.TYPE_INDICATOR_HFS: "HFS+",
}
# A full disk holds far more files than an archive: the entry limit grows, the byte budget is
# twice the media (more only when a damaged file system makes files share clusters).
MIN_IMAGE_ENTRIES = 2_000_000


@dataclass(frozen=True, slots=True)
class Volume:
    """One place a file system may be: the whole image, a partition, a container volume."""

    label: str  # "" for a file system that fills the image, "p1", "apfs1" ...
    kind: str
    offset: int | None


def read_image(
    path: Path, store: EvidenceStore, limits: ArchiveLimits, display_name: str | None
) -> ArchiveExpansion | None:
    """The files of the image at `path` as members, or None when dfVFS finds neither a volume
    nor a file system in it (then it is an ordinary file)."""
    context = source_scanner.SourceScannerContext()
    try:
        context.OpenSourcePath(str(path))
        source_scanner.SourceScanner().Scan(context)
    except _DFVFS_ERRORS as error:
        expansion = ArchiveExpansion("image")
        expansion.issues.append(
            Issue.error("image_unreadable", f"The image could not be opened ({reason(error)}).")
        )
        return expansion
    if context.source_type not in (
        dfvfs_definitions.SOURCE_TYPE_STORAGE_MEDIA_IMAGE,
        dfvfs_definitions.SOURCE_TYPE_STORAGE_MEDIA_DEVICE,
    ):
        return None
    root = context.GetRootScanNode()
    image_format = _image_format(root)
    image_limits = _image_limits(limits, _media_size(root))
    collector = Collector(image_format, store, image_limits, display_name)
    volumes: list[dict[str, Any]] = []
    for leaf in _leaves(root):
        if _table_or_gap(leaf):
            continue
        volumes.append(_read_leaf(context, leaf, collector))
    expansion = collector.expansion
    expansion.facts["image"] = {"format": image_format, "volumes": volumes}
    return expansion


def _read_leaf(
    context: source_scanner.SourceScannerContext, leaf: Any, collector: Collector
) -> dict[str, Any]:
    volume = _volume_of(leaf)
    where = f"volume {volume.label}" if volume.label else "the image"
    fact: dict[str, Any] = {"label": volume.label, "kind": volume.kind, "offset": volume.offset}
    indicator = leaf.type_indicator
    if context.IsLockedScanNode(leaf.path_spec):
        scheme = _ENCRYPTED.get(indicator, indicator)
        fact["encrypted"] = scheme
        collector.expansion.issues.append(
            Issue.error(
                "encrypted_volume",
                f"{where.capitalize()} is encrypted ({scheme}); its files were not read. "
                "Give its recovery password or key to read it.",
            )
        )
        return fact
    try:
        file_system = resolver.Resolver.OpenFileSystem(leaf.path_spec)
    except _DFVFS_ERRORS as error:
        fact["file_system"] = None
        collector.expansion.issues.append(_unreadable_volume(where, error))
        return fact
    prefix = f"{volume.label}/" if volume.label else ""
    try:
        if indicator == dfvfs_definitions.TYPE_INDICATOR_TSK:
            fs_info = file_system.GetFsInfo()
            fact["file_system"] = _tsk_type_name(fs_info)
            fact["time_precision"] = precision_of(fact["file_system"])
            walk_tsk(fs_info, prefix, volume.label, fact["file_system"], collector)
        elif indicator in _FILE_SYSTEMS_BY_DFVFS:
            fact["file_system"] = _FILE_SYSTEMS_BY_DFVFS[indicator]
            walk_dfvfs(file_system, prefix, volume.label, fact["file_system"], collector)
        else:
            fact["file_system"] = None
            collector.expansion.issues.append(
                Issue.error(
                    "unknown_file_system",
                    f"No file system Vigil reads was found in {where} ({indicator}); its "
                    "content is not listed.",
                )
            )
    except _DFVFS_ERRORS as error:
        collector.expansion.issues.append(_unreadable_volume(where, error))
    return fact


def _unreadable_volume(where: str, error: BaseException) -> Issue:
    return Issue.error(
        "file_system_damaged",
        f"The file system of {where} could not be read ({reason(error)}); the files listed "
        "before the damage are kept, the rest of the image is still read.",
    )


def _table_or_gap(leaf: Any) -> bool:
    """TSK lists the partition table and the gaps between partitions as partitions without a
    location: no file system is in them (their unallocated space is carving's)."""
    return (
        leaf.type_indicator == dfvfs_definitions.TYPE_INDICATOR_TSK_PARTITION
        and getattr(leaf.path_spec, "location", None) is None
    )


def _leaves(node: Any) -> Iterator[Any]:
    if not node.sub_nodes:
        yield node
    for sub_node in node.sub_nodes:
        yield from _leaves(sub_node)


def _volume_of(leaf: Any) -> Volume:
    """The nearest volume above the leaf (partition, container volume), or the whole image."""
    node = leaf
    while node is not None:
        kind = _VOLUME_KINDS.get(node.type_indicator)
        location = getattr(node.path_spec, "location", None)
        if kind is not None and location not in (None, "/"):
            offset = getattr(node.path_spec, "start_offset", None)
            return Volume(str(location).strip("/"), kind, offset)
        node = node.parent_node
    return Volume("", "image", 0)


def _image_format(root: Any) -> str:
    node = root
    while node.sub_nodes and node.type_indicator == dfvfs_definitions.TYPE_INDICATOR_OS:
        node = node.sub_nodes[0]
    return str(node.type_indicator).lower()  # "ewf", "raw", "vmdk", "qcow", "vhdi" ...


# TSK's file-system type numbers by name ("ext4", "fat32", "ntfs" ...), the exact types only.
_TSK_TYPES = {
    int(value): name.removeprefix("TSK_FS_TYPE_").lower()
    for name, value in vars(pytsk3).items()
    if name.startswith("TSK_FS_TYPE_") and isinstance(value, int) and "DETECT" not in name
}


def _tsk_type_name(fs_info: pytsk3.FS_Info) -> str:
    return _TSK_TYPES.get(int(fs_info.info.ftype), "unknown")


def _media_size(root: Any) -> int:
    """The size of the media the image holds (more than the file for a compressed E01)."""
    node = root
    while node.sub_nodes and node.type_indicator == dfvfs_definitions.TYPE_INDICATOR_OS:
        node = node.sub_nodes[0]
    try:
        return int(resolver.Resolver.OpenFileObject(node.path_spec).get_size())
    except _DFVFS_ERRORS:
        return 0


def _image_limits(limits: ArchiveLimits, size: int) -> ArchiveLimits:
    return replace(
        limits,
        max_entries=max(limits.max_entries, MIN_IMAGE_ENTRIES),
        max_total_bytes=max(limits.max_total_bytes, 2 * size),
        max_ratio=float("inf"),  # a sparse or compressed image is no bomb: the budget bounds it
    )
