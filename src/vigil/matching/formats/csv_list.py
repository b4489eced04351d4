"""Hash lists as CSV or TSV: a header names the columns, under any of their usual spellings.

The delimiter is taken from the header line (tab, comma, semicolon or bar). A file whose first
line is already a hash is read as a bare list, one hash a line, typed by its length.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from vigil.matching.formats.entry import (
    HASH_LENGTHS,
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
    row = skipped = 0
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        try:
            for row, line in enumerate(handle, start=1):
                text = line.strip()
                if not text:
                    skipped += 1
                    continue
                kind = _bare_hash(text)
                if kind is None:
                    problems.add(row, "bad_row", "not an MD5, SHA-1 or SHA-256 in hex")
                    continue
                entry = ListEntry()
                setattr(entry, kind, text.lower())
                yield entry
        finally:
            problems.lines += row
            problems.skipped += skipped


# A quoted field may hold a note's line breaks, never a file's worth of rows: a quote still open
# this many lines on is taken for an unterminated one.
MAX_RECORD_LINES = 64


@dataclass(frozen=True, slots=True)
class _Layout:
    delimiter: str
    columns: list[str | None]
    hash_columns: list[tuple[int, str]]  # (index, kind) of the single-line hex columns


def _rows(
    path: Path, delimiter: str, columns: list[str | None], problems: Problems
) -> Iterator[ListEntry]:
    """Entries, one record at a time, each bad record counted with the line it starts on.

    A line without a quote (nearly all of them) is split as it is; a line with one goes through
    a strict csv reader. A bad record stands for its first line only: the lines it ran over are
    read again, so an unterminated quote costs one row, not the rest of the file.
    """
    hash_columns = [(index, kind) for index, kind in enumerate(columns) if kind in HASH_LENGTHS]
    layout = _Layout(delimiter, columns, hash_columns)
    width = len(columns)
    quoted = _QuotedRecord(delimiter)
    line = skipped = joined = 0
    # Names and notes in a legacy encoding must not stop an import: the hashes are ASCII.
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        lines: Iterator[str] = handle
        replay: Iterator[str] = iter(())
        if next(handle, None) is not None:  # the header, read already
            line = 1
        try:
            while True:
                for text in lines:
                    line += 1
                    if '"' in text:
                        start = line
                        entry, reason = _quoted_row(text, lines, quoted, layout, start)
                        taken = len(quoted.taken)
                        line += taken - 1
                        if entry is not None:
                            joined += taken - 1
                            yield entry
                            continue
                        if reason is None:
                            skipped += 1
                            continue
                        problems.add(start, "bad_row", reason)
                        if taken > 1:
                            # What it ran over comes again, then what an earlier replay left:
                            # one chain over the file, never a chain of chains.
                            replay = iter(quoted.taken[1:] + list(replay))
                            lines = itertools.chain(replay, handle)
                            line = start
                            break
                        continue
                    values = text.rstrip("\r\n").split(delimiter)
                    if len(values) == width:
                        try:
                            entry = row_entry(dict(zip(columns, values, strict=True)))
                        except BadRow as error:
                            reason = str(error)
                        else:
                            yield entry
                            continue
                    else:
                        reason = _width_problem(len(values), width)
                    if _blank(values):
                        skipped += 1
                    else:
                        problems.add(line, "bad_row", reason)
                else:
                    break
        finally:
            problems.lines += line
            problems.skipped += skipped
            problems.joined += joined


class _QuotedRecord:
    """One strict csv.reader for the whole file, fed one record at a time: its first line, then
    the lines its quoted field runs over, taken from the file and kept in `taken`."""

    def __init__(self, delimiter: str) -> None:
        self.taken: list[str] = []
        self._first: str | None = None
        self._lines: Iterator[str] = iter(())
        self._reader = csv.reader(self, delimiter=delimiter, strict=True)

    def __iter__(self) -> _QuotedRecord:
        return self

    def __next__(self) -> str:
        if self._first is not None:
            line, self._first = self._first, None
        elif len(self.taken) >= MAX_RECORD_LINES:
            raise StopIteration  # the reader then says "unexpected end of data"
        else:
            line = next(self._lines)
        self.taken.append(line)
        return line

    def read(self, first: str, lines: Iterator[str]) -> list[str]:
        """The record that starts with `first`; csv.Error when it is malformed."""
        self.taken = []
        self._first, self._lines = first, lines
        return next(self._reader)


def _quoted_row(
    text: str, lines: Iterator[str], quoted: _QuotedRecord, layout: _Layout, start: int
) -> tuple[ListEntry | None, str | None]:
    """(entry, None) for a good record, (None, reason) for a bad one, (None, None) if blank."""
    try:
        values = quoted.read(text, lines)
    except csv.Error as error:
        return None, _quote_problem(str(error), start, len(quoted.taken))
    if len(quoted.taken) > 1:
        reason = _spanning_problem(values, quoted.taken, layout, start)
        if reason is not None:
            return None, reason
    if _blank(values):
        return None, None
    if len(values) != len(layout.columns):
        return None, _width_problem(len(values), len(layout.columns))
    try:
        return row_entry(dict(zip(layout.columns, values, strict=True))), None
    except BadRow as error:
        return None, str(error)


def _quote_problem(message: str, start: int, taken: int) -> str:
    if message == "unexpected end of data":
        if taken >= MAX_RECORD_LINES:
            return f"unterminated quote: still open {taken} lines on"
        return "unterminated quote: never closed before the end of the file"
    if "expected after" in message and taken == 1:
        return "stray quote: text follows a closing quote"
    if "expected after" in message:
        end = start + taken - 1
        return f"unterminated quote: the quoted field runs on to line {end}, text after its end"
    if "field larger" in message:
        return "a field is larger than 16 MiB"
    return f"malformed CSV: {message}"


def _spanning_problem(
    values: list[str], taken: list[str], layout: _Layout, start: int
) -> str | None:
    """Why a record over several lines is not one: a line break in a hash, or a quote that ran
    over lines that read as rows of their own (an unterminated quote closed by a later one)."""
    for index, kind in layout.hash_columns:
        if index < len(values) and ("\n" in values[index] or "\r" in values[index]):
            return f"a line break inside the {kind} field"
    for offset, text in enumerate(taken[1:], start=1):
        parts = text.split(layout.delimiter)
        for index, kind in layout.hash_columns:
            if index < len(parts) and _is_hash(kind, parts[index]):
                return (
                    f"unterminated quote: the quoted field runs on over line {start + offset}, "
                    f"a row of its own (a hash in the {kind} column)"
                )
    return None


def _is_hash(kind: str, text: str) -> bool:
    try:
        return clean_hash(kind, text) is not None
    except BadRow:
        return False


def _width_problem(found: int, width: int) -> str:
    return f"{found} columns where the header has {width}"


def _blank(values: list[str]) -> bool:
    return not any(value.strip() for value in values)


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
