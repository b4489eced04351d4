"""Checking a backup folder against its manifest: every problem names its file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from vigil.ops.manifest import CHECKSUMS, FORMAT, FORMAT_VERSION, MANIFEST, check_backup


def _backup(folder: Path, files: dict[str, bytes], extra_lines: str = "") -> Path:
    lines = ""
    for relative, data in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(data)
        lines += f"{hashlib.sha256(data).hexdigest()}  {relative}\n"
    lines += extra_lines
    (folder / CHECKSUMS).write_text(lines)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "checksums": {
            "sha256": hashlib.sha256(lines.encode()).hexdigest(),
            "files": lines.count("\n"),
        },
    }
    (folder / MANIFEST).write_text(json.dumps(manifest))
    return folder


FILES = {"database/vigil.sqlite3": b"db", "store/blobs/ab/cd/abcd": b"content"}


def test_an_intact_backup_checks_out(tmp_path: Path) -> None:
    check = check_backup(_backup(tmp_path, FILES))
    assert check.ok and check.files == 2 and check.bytes == 9


def test_a_changed_file_is_named_with_both_hashes(tmp_path: Path) -> None:
    folder = _backup(tmp_path, FILES)
    (folder / "store/blobs/ab/cd/abcd").write_bytes(b"contenT")
    [problem] = check_backup(folder).problems
    assert problem.startswith("store/blobs/ab/cd/abcd: changed (now hashes to ")


def test_missing_and_unlisted_files_are_named(tmp_path: Path) -> None:
    folder = _backup(tmp_path, FILES)
    (folder / "database/vigil.sqlite3").unlink()
    (folder / "store/blobs/ab/cd/planted").write_bytes(b"x")
    assert check_backup(folder).problems == [
        "database/vigil.sqlite3: missing",
        "store/blobs/ab/cd/planted: not listed in SHA256SUMS",
    ]


def test_an_edited_checksum_list_no_longer_matches_the_manifest(tmp_path: Path) -> None:
    folder = _backup(tmp_path, FILES)
    (folder / CHECKSUMS).write_text((folder / CHECKSUMS).read_text().replace("  database", "  db"))
    problems = check_backup(folder).problems
    assert problems[0] == "SHA256SUMS: does not match the SHA-256 the manifest records for it"


def test_a_listed_path_outside_the_backup_is_never_read(tmp_path: Path) -> None:
    outside = "0" * 64 + "  ../../etc/hostname\n"
    folder = _backup(tmp_path / "b", FILES, extra_lines=outside)
    assert check_backup(folder).problems == ["../../etc/hostname: missing"]


def test_a_folder_without_a_manifest_is_not_a_backup(tmp_path: Path) -> None:
    [problem] = check_backup(tmp_path).problems
    assert "manifest.json is missing: this is not a Vigil backup" in problem
