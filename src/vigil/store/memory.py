"""An evidence store held in memory, for tests of code that needs only `EvidenceStorage`.

It keeps the file store's promises (tests/store/test_memory_store.py holds it to them) but has
no paths: code that needs `blob_path` or `root` needs the real `EvidenceStore`.
"""

from __future__ import annotations

import io
from typing import BinaryIO

from vigil.core.hashing import Digests
from vigil.store.interface import BoundedHasher, ContentWriter, EvidenceStorage


class InMemoryStore(EvidenceStorage):
    def __init__(self) -> None:
        self._blobs: dict[str, bytes] = {}
        self._thumbnails: dict[tuple[str, int], bytes] = {}

    # -- stored copies -------------------------------------------------------------------
    def has_blob(self, sha256: str) -> bool:
        return sha256 in self._blobs

    def open_blob(self, sha256: str) -> BinaryIO:
        try:
            return _read_only(self._blobs[sha256])
        except KeyError:
            raise FileNotFoundError(f"no stored copy with SHA-256 {sha256}") from None

    def open_writer(self, max_bytes: int | None = None) -> InMemoryWriter:
        return InMemoryWriter(self._blobs, max_bytes)

    def put_bytes(self, data: bytes) -> Digests:
        with self.open_writer() as writer:
            writer.write(data)
            return writer.commit()

    # -- thumbnails ----------------------------------------------------------------------
    def put_thumbnail(self, sha256: str, index: int, jpeg: bytes) -> None:
        self._thumbnails.setdefault((sha256, index), bytes(jpeg))

    def open_thumbnail(self, sha256: str, index: int = 0) -> BinaryIO:
        try:
            return _read_only(self._thumbnails[(sha256, index)])
        except KeyError:
            raise FileNotFoundError(f"no thumbnail {index} of {sha256}") from None

    # -- durability and housekeeping -----------------------------------------------------
    def sync(self) -> None:
        """Nothing to flush: memory is all there is."""

    def remove_stale_tmp(self) -> int:
        # A partial write lives in its writer; it cannot outlive the process that made it.
        return 0


class InMemoryWriter(ContentWriter):
    def __init__(self, blobs: dict[str, bytes], max_bytes: int | None) -> None:
        self._blobs = blobs
        self._hasher = BoundedHasher(max_bytes)
        self._buffer: io.BytesIO | None = io.BytesIO()
        self._committed: Digests | None = None

    @property
    def size(self) -> int:
        return self._hasher.size

    def write(self, chunk: bytes | memoryview) -> None:
        assert self._buffer is not None, "writer already closed"
        self._hasher.take(chunk)
        self._buffer.write(chunk)

    def commit(self) -> Digests:
        assert self._buffer is not None, "writer already closed"
        content, self._buffer = self._buffer.getvalue(), None
        digests = self._hasher.digests()
        self._blobs.setdefault(digests.sha256, content)
        self._committed = digests
        return digests

    def abort(self) -> None:
        self._buffer = None


def _read_only(content: bytes) -> BinaryIO:
    # A buffered reader refuses writes, as a file opened "rb" does.
    return io.BufferedReader(io.BytesIO(content))
