"""Where an image is read from: its stored copy, under a name that tells dfVFS its format;
a split EWF from its segments in the seizure, each one admitted by the evidence policy first.

The stored copy is the content that was hashed, so reading it, not the original again, leaves
no window for a file swapped after the hash. A split image's later segments are not in one
blob, so for it alone the originals are opened (read-only, like every evidence file).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from vigil.sources.images.acquisition import ewf_segments
from vigil.sources.images.detect import container_format

_SUFFIXES = {"ewf": ".E01", "vmdk": ".vmdk", "vhd": ".vhd", "vhdx": ".vhdx", "qcow": ".qcow2"}


@contextmanager
def image_path(
    blob: Path,
    original: str | None,
    head: bytes,
    scratch: Callable[[str], Path],
    admitted: Callable[[str], bool],
) -> Iterator[Path]:
    """A path to open the image by: the stored copy linked under a telling name that
    `scratch(suffix)` gives (removed after), or, for a split EWF, its first segment in the
    seizure."""
    fmt = container_format(head) or "raw"
    if fmt == "ewf" and original is not None:
        segments = ewf_segments(Path(original))
        if len(segments) > 1 and all(admitted(segment) for segment in segments):
            yield Path(original)
            return
    link = scratch(_SUFFIXES.get(fmt, ".raw"))
    os.symlink(blob, link)
    try:
        yield link
    finally:
        link.unlink(missing_ok=True)
