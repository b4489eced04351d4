"""Readers of hash lists: pure, streaming, no Django. Each yields ListEntry records and counts
bad rows in a Problems record; only a file that cannot be read as a whole raises FormatError."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

from vigil.matching.formats.csv_list import read_csv
from vigil.matching.formats.entry import BadRow, ListEntry, Problems
from vigil.matching.formats.nsrl import read_nsrl
from vigil.matching.formats.vics import BOM, FormatError, read_vics

__all__ = [
    "BadRow",
    "FormatError",
    "ListEntry",
    "ListFormat",
    "Problems",
    "detect_format",
    "read_list",
]

ListFormat = Literal["vics", "csv", "nsrl"]
Reader = Callable[[Path, Problems], tuple[str, Iterator[ListEntry]]]
READERS: dict[str, Reader] = {"vics": read_vics, "csv": read_csv, "nsrl": read_nsrl}
_SQLITE_MAGIC = b"SQLite format 3\x00"


def detect_format(path: Path) -> ListFormat:
    """From the first bytes, never the name: SQLite is NSRL, a JSON object is VICS, else CSV."""
    with open(path, "rb") as handle:
        head = handle.read(64)
    if head.startswith(_SQLITE_MAGIC):
        return "nsrl"
    if head.removeprefix(BOM).lstrip().startswith(b"{"):
        return "vics"
    return "csv"


def read_list(
    path: Path, list_format: str, problems: Problems
) -> tuple[ListFormat, str, Iterator[ListEntry]]:
    """(format, detail such as "VICS 2.0 cases", entries). `list_format` may be "auto"."""
    chosen = detect_format(path) if list_format == "auto" else list_format
    if chosen not in READERS:
        raise FormatError(f"unknown list format {list_format!r}: vics, csv, nsrl or auto")
    detail, entries = READERS[chosen](path, problems)
    return chosen, detail, entries  # type: ignore[return-value]
