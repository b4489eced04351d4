"""What the domain asks of an evidence store, whichever holds the bytes.

Two implementations keep the same promises (tests/store/test_memory_store.py runs one set of
tests against both): `vigil.store.evidence.EvidenceStore` on the file system, and
`vigil.store.memory.InMemoryStore` for tests.

- Content-addressed: a copy is found by the SHA-256 of its bytes, computed while it is written.
- Idempotent: storing content that is already present keeps the existing copy.
- Read-only: once committed, a copy never changes; `open_blob` gives a handle that only reads.
- A writer that is aborted, overflows its limit or leaves its `with` block uncommitted stores
  nothing.

File-system paths are not part of the protocol: code that hands a stored copy to a library that
wants a path (archive readers, PyAV) or to a worker process (which opens the store by its root)
needs `EvidenceStore` and its `blob_path`, `thumbnail_path` and `root`.
"""

from __future__ import annotations

from types import TracebackType
from typing import BinaryIO, Protocol, Self

from vigil.core.hashing import Digests, MultiHasher


class BlobTooLarge(Exception):
    """The content grew past the limit given to the writer (a decompression bomb, usually)."""


class BoundedHasher:
    """What every writer does with a chunk before it keeps it: refuse it past `max_bytes`, then
    hash it (MD5, SHA-1, SHA-256 in one pass). Shared by the file store and the fake."""

    def __init__(self, max_bytes: int | None) -> None:
        self._max_bytes = max_bytes
        self._hasher = MultiHasher()

    @property
    def size(self) -> int:
        return self._hasher.size

    def take(self, chunk: bytes | memoryview) -> None:
        if self._max_bytes is not None and self._hasher.size + len(chunk) > self._max_bytes:
            raise BlobTooLarge(f"content exceeds the limit of {self._max_bytes} bytes")
        self._hasher.update(chunk)

    def digests(self) -> Digests:
        return self._hasher.digests()


class ContentWriter(Protocol):
    """Streams content into a store while hashing it (MD5, SHA-1, SHA-256) in the same pass.

    A store's writer subclasses this and keeps the digests of its commit in `_committed`: the
    context manager below (shared, not written per store) aborts an uncommitted write."""

    _committed: Digests | None

    @property
    def size(self) -> int:
        """Bytes written so far."""
        ...

    def write(self, chunk: bytes | memoryview) -> None:
        """Adds a chunk; raises BlobTooLarge past the writer's `max_bytes`."""
        ...

    def commit(self) -> Digests:
        """Stores the content at its SHA-256 (keeping an existing copy) and returns its digests."""
        ...

    def abort(self) -> None:
        """Discards what was written; safe to call more than once."""
        ...

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Aborts unless the content was committed."""
        if self._committed is None:
            self.abort()


class EvidenceStorage(Protocol):
    # -- stored copies -------------------------------------------------------------------
    def has_blob(self, sha256: str) -> bool: ...

    def open_blob(self, sha256: str) -> BinaryIO:
        """A read-only handle on the stored copy; FileNotFoundError when there is none."""
        ...

    def open_writer(self, max_bytes: int | None = None) -> ContentWriter: ...

    def put_bytes(self, data: bytes) -> Digests: ...

    # -- thumbnails, derived from a copy and addressed by its SHA-256 and an index -------
    def put_thumbnail(self, sha256: str, index: int, jpeg: bytes) -> None:
        """Stores a thumbnail once; a second one for the same address is ignored."""
        ...

    def open_thumbnail(self, sha256: str, index: int = 0) -> BinaryIO:
        """A read-only handle on the thumbnail; FileNotFoundError when there is none."""
        ...

    # -- durability and housekeeping -----------------------------------------------------
    def sync(self) -> None:
        """Makes every committed copy durable: called before the database records it."""
        ...

    def remove_stale_tmp(self) -> int:
        """Removes partial writes left by writers that died; returns how many it removed."""
        ...
