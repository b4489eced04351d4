"""File-system durability helpers, free of Django so that every layer can use them."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_folder(folder: Path) -> None:
    """Makes the folder's entries durable: a rename or a new file in it survives a power cut
    only once the folder itself is flushed, not just the file."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
