"""NSRL RDS v3 (SQLite): the FILE view as a known-good list, read without writing a byte.

"Known" is not "benign" (the NSRL also lists hacking and steganography tools), so a list from
here filters what needs review; it never clears an item that an illicit list matches.
RDS v3 "modern" repeats a hash once per package; the "minimal" set holds each hash once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from vigil.matching.formats.entry import BadRow, ListEntry, Problems, clean_hash, clean_text
from vigil.matching.formats.vics import FormatError

_QUERY = "SELECT sha256, sha1, md5, file_name FROM FILE"
_CHUNK = 10_000


def read_nsrl(path: Path, problems: Problems) -> tuple[str, Iterator[ListEntry]]:
    connection = _open(path)
    try:
        found = connection.execute(
            "SELECT type FROM sqlite_master WHERE name = 'FILE' COLLATE NOCASE"
        ).fetchone()
    except sqlite3.DatabaseError as error:
        connection.close()
        raise FormatError(f"not an SQLite database: {error}") from None
    if found is None:
        connection.close()
        raise FormatError("no FILE view: not an NSRL RDS v3 database")
    return "NSRL RDS v3", _rows(connection, problems)


def _open(path: Path) -> sqlite3.Connection:
    # Read-only by URI: the reference set is evidence of what was matched against.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _rows(connection: sqlite3.Connection, problems: Problems) -> Iterator[ListEntry]:
    row = 0
    try:
        cursor = connection.execute(_QUERY)
        while chunk := cursor.fetchmany(_CHUNK):
            for sha256, sha1, md5, file_name in chunk:
                row += 1
                try:
                    entry = ListEntry(
                        md5=clean_hash("md5", md5),
                        sha1=clean_hash("sha1", sha1),
                        sha256=clean_hash("sha256", sha256),
                    )
                except BadRow as error:
                    problems.add(row, "bad_row", str(error))
                    continue
                name = clean_text(file_name)
                entry.file_names = [name] if name else []
                if entry.has_hash():
                    yield entry
                else:
                    problems.add(row, "bad_row", "no hash")
    except sqlite3.DatabaseError as error:
        raise FormatError(f"the NSRL database could not be read after row {row}: {error}") from None
    finally:
        connection.close()
