"""The backup folder's manifest and checksums, and checking a folder against them.

    manifest.json   what was saved: Vigil version, database vendor and file, applied
                    migrations, row counts, the audit head, store figures, and the SHA-256 of
                    SHA256SUMS (so the manifest vouches for every file through it)
    SHA256SUMS      one line per file, `<sha256>  <path>`: `sha256sum -c SHA256SUMS` checks a
                    backup without Vigil, and the list streams, however large the store

Anyone who can rewrite the folder can rewrite both; record the manifest's own SHA-256 (printed
by `vigil backup` and written to the audit log) somewhere else to notice that.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
FORMAT = "vigil-backup"
FORMAT_VERSION = 1
CHUNK = 1 << 20
MAX_REPORTED = 100


class ManifestError(ValueError):
    """The manifest is missing or is not a Vigil backup manifest."""


@dataclass(slots=True)
class BackupCheck:
    """The outcome of checking a backup folder: every problem names the file it is about."""

    files: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(problem)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "files": self.files,
            "bytes": self.bytes,
            "problem_count": self.problem_count,
            "problems": self.problems,
        }


def sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def copy_hashing(source: Path, target: Path, mode: int) -> tuple[str, int]:
    """Copy one file, computing the SHA-256 of the bytes written; `target` must be new."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with open(source, "rb") as reader, open(target, "xb") as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            writer.write(chunk)
            size += len(chunk)
    os.chmod(target, mode)
    return digest.hexdigest(), size


class ChecksumWriter:
    """Appends `<sha256>  <path>` lines while hashing the list itself."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self._digest = hashlib.sha256()
        self.files = 0
        self.bytes = 0

    def add(self, relative: str, sha256: str, size: int) -> None:
        line = f"{sha256}  {relative}\n".encode()
        self._handle.write(line)
        self._digest.update(line)
        self.files += 1
        self.bytes += size

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise ManifestError(f"{path} is missing: this is not a Vigil backup") from None
    except (OSError, ValueError) as error:
        raise ManifestError(f"{path} cannot be read: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ManifestError(f"{path} is not a Vigil backup manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ManifestError(
            f"{path} has format version {manifest.get('format_version')!r}; this Vigil reads "
            f"version {FORMAT_VERSION}"
        )
    return manifest


def check_backup(folder: Path) -> BackupCheck:
    """Re-hash every file of a backup against SHA256SUMS, and SHA256SUMS against the manifest;
    report files changed, missing or not listed."""
    check = BackupCheck()
    try:
        manifest = read_manifest(folder)
    except ManifestError as error:
        check.add(str(error))
        return check
    listed_sums = manifest.get("checksums", {})
    sums_path = folder / CHECKSUMS
    if not sums_path.is_file():
        check.add(f"{CHECKSUMS}: missing")
        return check
    if sha256_file(sums_path)[0] != listed_sums.get("sha256"):
        check.add(f"{CHECKSUMS}: does not match the SHA-256 the manifest records for it")
    listed: set[str] = set()
    for line_number, entry in enumerate(_checksum_lines(sums_path), start=1):
        if entry is None:
            check.add(f"{CHECKSUMS}: line {line_number} is not `<sha256>  <path>`")
            continue
        expected, relative = entry
        listed.add(relative)
        path = folder / relative
        if not _inside(folder, path) or not path.is_file() or path.is_symlink():
            check.add(f"{relative}: missing")
            continue
        actual, size = sha256_file(path)
        check.files += 1
        check.bytes += size
        if actual != expected:
            check.add(f"{relative}: changed (now hashes to {actual}, recorded {expected})")
    for relative in _files_under(folder):
        if relative not in listed and relative not in (MANIFEST, CHECKSUMS):
            check.add(f"{relative}: not listed in {CHECKSUMS}")
    if listed_sums.get("files") != len(listed):
        check.add(
            f"{CHECKSUMS}: lists {len(listed)} files, the manifest says {listed_sums.get('files')}"
        )
    return check


def _checksum_lines(path: Path) -> Iterator[tuple[str, str] | None]:
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            sha256, separator, relative = line.rstrip("\n").partition("  ")
            if separator and len(sha256) == 64 and relative:
                yield sha256, relative
            else:
                yield None


def _files_under(folder: Path) -> Iterator[str]:
    for directory, subdirectories, names in os.walk(folder):
        subdirectories.sort()
        for name in sorted(names):
            yield os.path.relpath(os.path.join(directory, name), folder)


def _inside(folder: Path, path: Path) -> bool:
    # A doctored SHA256SUMS must not make verification read outside the backup.
    return os.path.abspath(path).startswith(os.path.abspath(folder) + os.sep)
