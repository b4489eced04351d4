"""Storage media images as containers: an E01, dd, VMDK, VHD(X) or QCOW2 of a disk or of one
file system is read in place, and every file in it becomes an item whose path of origin goes on
from the image: image → volume (partition) → path in the file system, with the inode, deleted or
not, and the file system's own times.

`detect` says cheaply whether content may be an image, `reader` finds its volumes and file
systems with dfVFS, `filesystem` walks each with The Sleuth Kit, `acquisition` checks an EWF
image's recorded hashes against its media.
"""

from __future__ import annotations

from pathlib import Path

from vigil.core.entries import ArchiveExpansion, ArchiveLimits
from vigil.sources.images.acquisition import check_ewf
from vigil.sources.images.detect import (
    HEAD_BYTES,
    container_format,
    ewf_segment_number,
    may_be_raw_image,
)
from vigil.sources.images.reader import read_image
from vigil.sources.images.stored import image_path
from vigil.store.evidence import EvidenceStore

__all__ = ["HEAD_BYTES", "ewf_segment_number", "expand_image", "image_candidate", "image_path"]


def image_candidate(head: bytes) -> bool:
    """True when content starting with `head` (HEAD_BYTES of it) may be a media image."""
    return container_format(head) is not None or may_be_raw_image(head)


def expand_image(
    path: Path,
    head: bytes,
    store: EvidenceStore,
    limits: ArchiveLimits,
    display_name: str | None = None,
) -> ArchiveExpansion | None:
    """The files of the image at `path` (its first segment for a split EWF), streamed into
    `store`; None when it holds neither volume nor file system after all."""
    expansion = read_image(path, store, limits, display_name)
    if expansion is None:
        return None
    if container_format(head) == "ewf":
        facts, issues = check_ewf(path)
        expansion.facts["acquisition"] = facts
        # The integrity of the whole image first: it qualifies everything read from it.
        expansion.issues[:0] = issues
    return expansion
