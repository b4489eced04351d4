"""Hash lists as CSV or TSV: a header names the columns, under any of their usual spellings.

The delimiter is taken from the header line (tab, comma, semicolon or bar). A file whose first
line is already a hash is read as a bare list, one hash a line, typed by its length.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from vigil.matching.formats.entry import (
    BadRow,
    ListEntry,
    Problems,
    clean_bool,
    clean_category,
    clean_hash,
    clean_text,
    clean_vpdq,
    photodna_flags,
)
from vigil.matching.formats.vics import FormatError

# Header spellings, compared lower-case with everything but letters and digits removed.
ALIASES: dict[str, tuple[str, ...]] = {
    "md5": ("md5", "md5hash", "hashmd5"),
    "sha1": ("sha1", "sha1hash", "hashsha1"),
    "sha256": ("sha256", "sha256hash", "hashsha256"),
    "pdq": ("pdq", "pdqhash", "hashpdq"),
    "vpdq": ("vpdq", "vpdqhash", "videopdq"),
    "photodna": ("photodna", "pdna"),
    "category": ("category", "cat", "grade", "classification", "caid", "caidgrade"),
    "series": ("series", "seriesname"),
    "note": ("note", "notes", "comment", "comments", "description"),
    "media_id": ("mediaid", "id", "entryid"),
    "victim_identified": ("victimidentified",),
    "offender_identified": ("offenderidentified",),
    "is_distributed": ("isdistributed", "distributed"),
    "file_names": ("filename", "filenames", "name", "names"),
}
_LOOKUP = {alias: field for field, aliases in ALIASES.items() for alias in aliases}
_BARE_LENGTHS = {32: "md5", 40: "sha1", 64: "sha256"}  # a bare 64-hex line is SHA-256, not PDQ
FILE_NAME_SEPARATOR = "|"


def read_csv(path: Path, problems: Problems) -> tuple[str, Iterator[ListEntry]]:
    csv.field_size_limit(1 << 24)
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        first = handle.readline().rstrip("\r\n")
    if _bare_hash(first) is not None:
        return "bare hash list", _bare(path, problems)
    delimiter = max("\t,;|", key=first.count)
    header = next(csv.reader([first], delimiter=delimiter))
    columns = [_LOOKUP.get(_normalise(name)) for name in header]
    if not {"md5", "sha1", "sha256", "pdq", "vpdq", "photodna"} & set(filter(None, columns)):
        raise FormatError("the header names no hash column (md5, sha1, sha256, pdq, vpdq)")
    name = "TSV" if delimiter == "\t" else "CSV"
    return name, _rows(path, delimiter, columns, problems)


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _bare_hash(line: str) -> str | None:
    text = line.strip().lower()
    if len(text) in _BARE_LENGTHS and all(char in "0123456789abcdef" for char in text):
        return _BARE_LENGTHS[len(text)]
    return None


def _bare(path: Path, problems: Problems) -> Iterator[ListEntry]:
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        for row, line in enumerate(handle, start=1):
            text = line.strip()
            if not text:
                continue
            kind = _bare_hash(text)
            if kind is None:
                problems.add(row, "bad_row", "not an MD5, SHA-1 or SHA-256 in hex")
                continue
            entry = ListEntry()
            setattr(entry, kind, text.lower())
            yield entry


def _rows(
    path: Path, delimiter: str, columns: list[str | None], problems: Problems
) -> Iterator[ListEntry]:
    # Names and notes in a legacy encoding must not stop an import: the hashes are ASCII.
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        next(reader)  # the header
        row = 1
        try:
            for row, values in enumerate(reader, start=2):
                if not any(value.strip() for value in values):
                    continue
                try:
                    yield row_entry(dict(zip(columns, values, strict=False)))
                except BadRow as error:
                    problems.add(row, "bad_row", str(error))
        except csv.Error as error:
            raise FormatError(f"unreadable CSV after row {row}: {error}") from None


def row_entry(values: dict[str | None, str]) -> ListEntry:
    entry = ListEntry(
        md5=clean_hash("md5", values.get("md5")),
        sha1=clean_hash("sha1", values.get("sha1")),
        sha256=clean_hash("sha256", values.get("sha256")),
        pdq=clean_hash("pdq", values.get("pdq")),
        vpdq=clean_vpdq(values.get("vpdq")),
        photodna=clean_text(values.get("photodna")),
        category=clean_category(values.get("category")),
        series=clean_text(values.get("series")),
        note=clean_text(values.get("note")),
        media_id=clean_text(values.get("media_id")),
    )
    for flag in ("victim_identified", "offender_identified", "is_distributed"):
        try:
            setattr(entry, flag, clean_bool(values.get(flag)))
        except BadRow:
            entry.flags.append(f"bad_boolean:{flag}")
    names = values.get("file_names") or ""
    entry.file_names = [name for name in names.split(FILE_NAME_SEPARATOR) if name]
    entry.flags.extend(photodna_flags(entry.photodna))
    if not entry.has_hash():
        raise BadRow("no MD5, SHA-1, SHA-256, PDQ or vPDQ")
    return entry
