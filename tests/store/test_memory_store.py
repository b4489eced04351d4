"""The promises of vigil.store.interface, held against both stores: the in-memory fake must
behave as the file store does, or tests that use it prove nothing."""

from __future__ import annotations

import io

import pytest

from vigil.core.hashing import hash_bytes
from vigil.store.interface import BlobTooLarge, EvidenceStorage

JPEG = b"\xff\xd8 a thumbnail"


def read(storage: EvidenceStorage, sha256: str) -> bytes:
    with storage.open_blob(sha256) as stored:
        return stored.read()


def test_content_is_found_by_the_sha256_its_writer_reports(storage: EvidenceStorage) -> None:
    digests = storage.put_bytes(b"evidence")
    assert digests == hash_bytes(b"evidence")
    assert storage.has_blob(digests.sha256)
    assert read(storage, digests.sha256) == b"evidence"


def test_a_writer_hashes_all_three_digests_of_its_chunks_as_they_come(
    storage: EvidenceStorage,
) -> None:
    with storage.open_writer() as writer:
        writer.write(b"first, ")
        writer.write(memoryview(b"then the rest"))
        assert writer.size == len(b"first, then the rest")
        digests = writer.commit()
    assert digests == hash_bytes(b"first, then the rest")
    assert read(storage, digests.sha256) == b"first, then the rest"


def test_storing_the_same_content_twice_gives_the_same_address(storage: EvidenceStorage) -> None:
    first = storage.put_bytes(b"same")
    second = storage.put_bytes(b"same")
    assert first == second
    assert read(storage, first.sha256) == b"same"


def test_content_never_stored_is_absent_and_cannot_be_opened(storage: EvidenceStorage) -> None:
    absent = hash_bytes(b"never stored").sha256
    assert not storage.has_blob(absent)
    with pytest.raises(FileNotFoundError):
        storage.open_blob(absent)


def test_a_stored_copy_only_opens_for_reading(storage: EvidenceStorage) -> None:
    digests = storage.put_bytes(b"evidence")
    with storage.open_blob(digests.sha256) as stored, pytest.raises(io.UnsupportedOperation):
        stored.write(b"tampered")
    assert read(storage, digests.sha256) == b"evidence"


def test_a_writer_over_its_limit_refuses_the_chunk_and_stores_nothing(
    storage: EvidenceStorage,
) -> None:
    with pytest.raises(BlobTooLarge), storage.open_writer(max_bytes=10) as writer:
        writer.write(b"0123456789")
        writer.write(b"!")
    for content in (b"0123456789", b"0123456789!"):
        assert not storage.has_blob(hash_bytes(content).sha256)


def test_a_writer_left_uncommitted_or_aborted_stores_nothing(storage: EvidenceStorage) -> None:
    with storage.open_writer() as writer:
        writer.write(b"left behind")
    aborted = storage.open_writer()
    aborted.write(b"thrown away")
    aborted.abort()
    aborted.abort()
    for content in (b"left behind", b"thrown away"):
        assert not storage.has_blob(hash_bytes(content).sha256)


def test_a_write_in_progress_is_not_stale_and_commits_after_a_clean_up(
    storage: EvidenceStorage,
) -> None:
    with storage.open_writer() as writer:
        writer.write(b"in progress")
        assert storage.remove_stale_tmp() == 0
        digests = writer.commit()
    storage.sync()
    assert read(storage, digests.sha256) == b"in progress"


def test_a_thumbnail_is_kept_once_by_content_and_index(storage: EvidenceStorage) -> None:
    sha = "ab" * 32
    storage.put_thumbnail(sha, 1, JPEG)
    storage.put_thumbnail(sha, 1, b"\xff\xd8 a second one")
    with storage.open_thumbnail(sha, 1) as thumbnail:
        assert thumbnail.read() == JPEG
    with pytest.raises(FileNotFoundError):
        storage.open_thumbnail(sha, 0)
