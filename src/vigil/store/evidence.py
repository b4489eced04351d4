"""Content-addressed evidence store: one read-only copy of each distinct content, by SHA-256.

Layout under the store root:
    blobs/ab/cd/<sha256>        the stored copy, mode 0400
    thumbs/ab/<sha256>-<n>.jpg  derived thumbnails (n = 0 for an image, keyframes 0.. for video)
    tmp/<pid>@<host>-<random>   content being written; renamed into blobs/ once its hash is known

Writes are idempotent: storing content that is already present keeps the existing copy, so a
run that is killed and started again never stores anything twice. The promises it shares with the
in-memory store are in vigil.store.interface; paths and the root are this store's own.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import secrets
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from vigil.core.hashing import Digests
from vigil.store.interface import BoundedHasher, ContentWriter, EvidenceStorage

READ_ONLY = 0o400  # read-only, and for the owner only: the home is private
# Partial writes of another host sharing the store are left alone this long (seconds).
FOREIGN_TMP_GRACE_S = 24 * 3600
_HOST = re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname()) or "localhost"


class EvidenceStore(EvidenceStorage):
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.blobs = self.root / "blobs"
        self.thumbs = self.root / "thumbs"
        self.tmp = self.root / "tmp"

    def create(self) -> EvidenceStore:
        for folder in (self.blobs, self.thumbs, self.tmp):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    # -- blobs ---------------------------------------------------------------------------
    def blob_path(self, sha256: str) -> Path:
        return self.blobs / sha256[:2] / sha256[2:4] / sha256

    def has_blob(self, sha256: str) -> bool:
        return self.blob_path(sha256).is_file()

    def open_blob(self, sha256: str) -> BinaryIO:
        return open(self.blob_path(sha256), "rb")

    def open_writer(self, max_bytes: int | None = None) -> BlobWriter:
        return BlobWriter(self, max_bytes)

    def put_bytes(self, data: bytes) -> Digests:
        with self.open_writer() as writer:
            writer.write(data)
            return writer.commit()

    # -- thumbnails ----------------------------------------------------------------------
    def thumbnail_path(self, sha256: str, index: int = 0) -> Path:
        return self.thumbs / sha256[:2] / f"{sha256}-{index}.jpg"

    def put_thumbnail(self, sha256: str, index: int, jpeg: bytes) -> None:
        final = self.thumbnail_path(sha256, index)
        if final.exists():
            return
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._tmp_name()
        tmp.write_bytes(jpeg)
        os.chmod(tmp, READ_ONLY)
        os.replace(tmp, final)

    def open_thumbnail(self, sha256: str, index: int = 0) -> BinaryIO:
        return open(self.thumbnail_path(sha256, index), "rb")

    # -- housekeeping --------------------------------------------------------------------
    def _tmp_name(self, suffix: str = "") -> Path:
        return self.tmp / f"{os.getpid()}@{_HOST}-{secrets.token_hex(8)}{suffix}"

    def scratch_path(self, suffix: str = "") -> Path:
        """A fresh name in tmp/ for this process (a link to a blob, say), removed by
        remove_stale_tmp should the process die before it removes it itself."""
        return self._tmp_name(suffix)

    def remove_stale_tmp(self) -> int:
        """Deletes partial writes left by processes that no longer run (after a crash).

        A store shared by several hosts (Dask workers) holds other hosts' writes in progress:
        this host can only judge its own, and leaves another host's alone for a day."""
        removed = 0
        if not self.tmp.is_dir():
            return 0
        for entry in self.tmp.iterdir():
            writer = entry.name.rsplit("-", 1)[0]
            pid_text, _, host = writer.partition("@")
            if host and host != _HOST:
                if _age_seconds(entry) < FOREIGN_TMP_GRACE_S:
                    continue
            elif pid_text.isdigit() and _pid_alive(int(pid_text)):
                continue
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
                removed += 1
        return removed

    def sync(self) -> None:
        """Flushes the store's file system to disk before the database records what it holds."""
        fd = os.open(self.root, os.O_RDONLY)
        try:
            if _syncfs is not None:
                _syncfs(fd)
            else:  # pragma: no cover - non-Linux
                os.sync()
        finally:
            os.close(fd)


class BlobWriter(ContentWriter):
    """Streams content into the store while hashing it; one pass, bounded by `max_bytes`."""

    def __init__(self, store: EvidenceStore, max_bytes: int | None) -> None:
        self._store = store
        self._hasher = BoundedHasher(max_bytes)
        self._tmp = store._tmp_name()
        self._file: BinaryIO | None = open(self._tmp, "xb")  # noqa: SIM115 - closed by commit/abort
        self._committed: Digests | None = None

    @property
    def size(self) -> int:
        return self._hasher.size

    def write(self, chunk: bytes | memoryview) -> None:
        assert self._file is not None, "writer already closed"
        self._hasher.take(chunk)
        self._file.write(chunk)

    def commit(self) -> Digests:
        """Moves the content to its SHA-256 address; keeps an existing copy if there is one."""
        assert self._file is not None, "writer already closed"
        self._file.close()
        self._file = None
        digests = self._hasher.digests()
        final = self._store.blob_path(digests.sha256)
        if final.exists():
            self._tmp.unlink()
        else:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(self._tmp, READ_ONLY)
            os.replace(self._tmp, final)
        self._committed = digests
        return digests

    def abort(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        with contextlib.suppress(FileNotFoundError):
            self._tmp.unlink()


def _age_seconds(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """A killed worker whose parent died too stays a zombie until something reaps it (in a
    container, maybe never): it still answers kill(0), but it will never finish its write."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            # "pid (comm) state ...": comm may hold spaces and ")"; the state follows the last.
            return stat.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


def _load_syncfs() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        syncfs: Callable[[int], int] = libc.syncfs
        return syncfs
    except (OSError, AttributeError):  # pragma: no cover - non-Linux
        return None


_syncfs = _load_syncfs()
