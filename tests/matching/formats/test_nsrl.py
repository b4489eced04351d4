"""NSRL RDS v3: the FILE view of a tiny SQLite shaped like the real one, opened read-only."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from vigil.matching.formats import FormatError, Problems, detect_format, read_list


def build_rds(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE FILE_TABLE (sha256 TEXT, sha1 TEXT, md5 TEXT, file_name TEXT,"
            " file_size INTEGER, package_id INTEGER)"
        )
        db.executemany("INSERT INTO FILE_TABLE VALUES (?, ?, ?, ?, 1, 1)", rows)
        db.execute(
            "CREATE VIEW FILE AS SELECT sha256, sha1, md5, file_name, file_size, package_id"
            " FROM FILE_TABLE"
        )
        db.execute("CREATE TABLE PKG (package_id INTEGER, name TEXT)")
    db.close()
    return path


def digests(data: bytes) -> tuple[str, str, str]:
    return (
        hashlib.sha256(data).hexdigest().upper(),
        hashlib.sha1(data).hexdigest().upper(),
        hashlib.md5(data).hexdigest().upper(),
    )


def test_upper_case_hashes_of_the_file_view_come_out_lower_case(tmp_path: Path) -> None:
    path = build_rds(tmp_path / "rds.db", [(*digests(b"a"), "a.dll"), ("XX", "", "", "bad.dll")])
    before = path.read_bytes()
    assert detect_format(path) == "nsrl"
    problems = Problems()
    fmt, detail, entries = read_list(path, "auto", problems)
    rows = list(entries)
    assert (fmt, detail) == ("nsrl", "NSRL RDS v3")
    assert rows[0].sha256 == hashlib.sha256(b"a").hexdigest()
    assert rows[0].md5 == hashlib.md5(b"a").hexdigest()
    assert rows[0].file_names == ["a.dll"]
    assert len(rows) == 1 and problems.count == 1
    assert path.read_bytes() == before


def test_an_sqlite_file_without_the_file_view_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")
    db.close()
    with pytest.raises(FormatError, match="no FILE view"):
        read_list(path, "nsrl", Problems())
