"""`vigil backup`: the database, the evidence store and the audit anchor, in one folder.

Order matters for consistency while triage runs:
1. the audit anchor is copied first, so it never names an entry the snapshot lacks;
2. the database snapshot comes next;
3. the store is copied last: triage writes content before the rows that name it, and content
   is never deleted, so every blob the snapshot names is already there to be copied.
Everything is written into a hidden folder beside the target and renamed into place at the
end: a folder with the target's name is always a complete backup.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import vigil
from vigil import config
from vigil.audit.log import ANCHOR_FILE, anchor_path, record
from vigil.core.fs import fsync_folder
from vigil.ops import database
from vigil.ops.manifest import (
    CHECKSUMS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    ChecksumWriter,
    copy_hashing,
    sha256_file,
)
from vigil.store.evidence import EvidenceStore

READ_ONLY = 0o400  # as in the store: read-only, for the owner only
EXPORTS = "exports"  # VIGIL_HOME/exports/<case id>/, written by the export API
PRIVATE = 0o600


class BackupError(RuntimeError):
    """The backup cannot be made as asked; nothing was left at the target."""


@dataclass(slots=True)
class BackupSummary:
    folder: Path
    manifest_sha256: str
    manifest: dict[str, Any]
    store_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.store_problems


def create_backup(target: Path, *, actor: str) -> BackupSummary:
    target = target.absolute()
    if target.exists() or target.is_symlink():
        raise BackupError(f"{target} already exists: a backup goes into a new folder")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a folder")
    partial = target.parent / f".{target.name}.partial-{secrets.token_hex(4)}"
    partial.mkdir(mode=0o700)
    record("backup.start", actor=actor, details={"target": str(target)})
    try:
        summary = _write(partial, target)
        EvidenceStore(partial).sync()
        os.rename(partial, target)
        fsync_folder(target.parent)
    except BaseException as error:
        _remove(partial)
        record(
            "backup.finish",
            actor=actor,
            outcome="failed",
            details={"target": str(target), "error": type(error).__name__},
        )
        raise
    record(
        "backup.finish",
        actor=actor,
        outcome="ok" if summary.ok else "failed",
        details={
            "target": str(target),
            "manifest_sha256": summary.manifest_sha256,
            "counts": summary.manifest["counts"],
            "audit_head": summary.manifest["audit_head"],
            "store_problems": len(summary.store_problems),
        },
    )
    return summary


def _write(partial: Path, target: Path) -> BackupSummary:
    home = config.vigil_home()
    store = EvidenceStore(config.store_root(home))
    with open(partial / CHECKSUMS, "wb") as handle:
        sums = ChecksumWriter(handle)
        anchored = _copy_anchor(partial, sums)
        database_file, facts = database.snapshot(partial)
        sums.add(database_file, *sha256_file(partial / database_file))
        store_figures, problems = _copy_store(store, partial, sums)
        store_figures["exports"] = _copy_exports(home, partial, sums, problems)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "vigil_version": vigil.__version__,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "source_instance": str(home),
        "database": {"vendor": database.vendor(), "file": database_file},
        "migrations": facts.migrations,
        "counts": _headline_counts(facts.tables, store_figures),
        "tables": facts.tables,
        "audit_head": facts.audit_head,
        "audit_anchor": anchored,
        "store": store_figures,
        "store_problems": problems,
        "checksums": {
            "file": CHECKSUMS,
            "sha256": sums.hexdigest(),
            "files": sums.files,
            "bytes": sums.bytes,
        },
    }
    body = json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n"
    (partial / MANIFEST).write_bytes(body)
    for name in (MANIFEST, CHECKSUMS):
        os.chmod(partial / name, READ_ONLY)
    manifest_sha256 = sha256_file(partial / MANIFEST)[0]
    return BackupSummary(target, manifest_sha256, manifest, problems)


def _copy_anchor(partial: Path, sums: ChecksumWriter) -> dict[str, Any] | None:
    source = anchor_path()
    try:
        sha256, size = copy_hashing(source, partial / ANCHOR_FILE, READ_ONLY)
    except FileNotFoundError:
        return None
    sums.add(ANCHOR_FILE, sha256, size)
    anchor: dict[str, Any] = json.loads((partial / ANCHOR_FILE).read_bytes())
    return anchor


def _copy_store(
    store: EvidenceStore, partial: Path, sums: ChecksumWriter
) -> tuple[dict[str, int], list[str]]:
    figures = {"blobs": 0, "blob_bytes": 0, "thumbnails": 0, "thumbnail_bytes": 0}
    problems: list[str] = []
    for kind, size_key, folder in (
        ("blobs", "blob_bytes", store.blobs),
        ("thumbnails", "thumbnail_bytes", store.thumbs),
    ):
        for path in _regular_files(folder, problems):
            relative = os.path.relpath(path, store.root.parent)
            sha256, size = copy_hashing(path, partial / relative, READ_ONLY)
            sums.add(relative, sha256, size)
            figures[kind] += 1
            figures[size_key] += size
            if kind == "blobs" and sha256 != path.name:
                # Backed up as it is, and said loudly: the store itself is damaged.
                problems.append(f"{relative}: content hashes to {sha256}, not its name")
    return figures, problems


def _copy_exports(home: Path, partial: Path, sums: ChecksumWriter, problems: list[str]) -> int:
    """Known-material exports already handed out: kept, as their hashes are in the audit log."""
    copied = 0
    for path in _regular_files(home / EXPORTS, problems):
        relative = os.path.relpath(path, home)
        sums.add(relative, *copy_hashing(path, partial / relative, READ_ONLY))
        copied += 1
    return copied


def _regular_files(folder: Path, problems: list[str]) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for directory, subdirectories, names in os.walk(folder):
        subdirectories.sort()
        for name in sorted(names):
            path = Path(directory, name)
            if stat.S_ISREG(path.lstat().st_mode):
                yield path
            else:
                problems.append(f"{path}: not a regular file, not backed up")


def _headline_counts(tables: dict[str, int], store: dict[str, int]) -> dict[str, int]:
    from django.apps import apps

    def rows(label: str) -> int:
        return tables.get(apps.get_model(label)._meta.db_table, 0)

    return {
        "cases": rows("cases.Case"),
        "sources": rows("cases.Source"),
        "items": rows("cases.Item"),
        "blobs": rows("cases.Blob"),
        "suggestions": rows("analysis.Suggestion"),
        "decisions": rows("analysis.Decision"),
        "audit_entries": rows("audit.AuditEntry"),
        "stored_blobs": store["blobs"],
        "thumbnails": store["thumbnails"],
    }


def _remove(folder: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(folder)
