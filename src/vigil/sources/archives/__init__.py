"""Safe expansion of seized archives: every member listed, its content streamed into the
evidence store, nothing ever written to the file system by the name the archive gives it.

Formats: zip, 7z, tar, and gzip/bzip2/xz (a compressed tar, or one compressed file), one
module each; `guards` holds the limits they all apply, `common` what else they share. Content
goes through `EvidenceStore.open_writer`, which hashes it in the same pass; reads are 1 MiB
chunks, so memory stays bounded whatever the archive claims. `ArchiveLimits` stops bombs: entry
count, total and member size, compression ratio; overlapping zip entries are refused.

Bad input never raises: each failure becomes an `Issue` (an `error` when a member's content
could not be obtained, a `warning` for an anomaly when it was), and whatever could be read is
kept. Only programming errors raise.
"""

from __future__ import annotations

from pathlib import Path

from vigil.core.entries import ArchiveExpansion, ArchiveLimits
from vigil.sources.archives.common import Collector, Expander, reason
from vigil.sources.archives.compressed import expand_compressed
from vigil.sources.archives.sevenzip import expand_7z
from vigil.sources.archives.tar import expand_plain_tar
from vigil.sources.archives.zip import expand_zip
from vigil.store.evidence import EvidenceStore

__all__ = ["ARCHIVE_FORMATS", "expand_archive"]

_EXPANDERS: dict[str, Expander] = {
    "zip": expand_zip,
    "7z": expand_7z,
    "tar": expand_plain_tar,
    "gzip": expand_compressed,
    "bzip2": expand_compressed,
    "xz": expand_compressed,
}
ARCHIVE_FORMATS = frozenset(_EXPANDERS)


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
    collector = Collector(fmt, store, limits, display_name)
    try:
        _EXPANDERS[fmt](Path(path), fmt, collector)
    except OSError as error:  # the archive file itself could not be opened or read
        collector.archive_error(
            "archive_unreadable", f"The archive file could not be read ({reason(error)})."
        )
    return collector.expansion
