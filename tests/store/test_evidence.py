import os
import stat
import time
from pathlib import Path

import pytest

from vigil.core.hashing import hash_bytes
from vigil.store.evidence import EvidenceStore
from vigil.store.interface import BlobTooLarge


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "store").create()


def test_content_is_stored_at_its_sha256_read_only(store: EvidenceStore) -> None:
    digests = store.put_bytes(b"evidence")
    path = store.blob_path(digests.sha256)
    assert digests == hash_bytes(b"evidence")
    assert path.read_bytes() == b"evidence"
    assert stat.S_IMODE(path.stat().st_mode) == 0o400


def test_identical_content_is_stored_once(store: EvidenceStore) -> None:
    first = store.put_bytes(b"same")
    inode = store.blob_path(first.sha256).stat().st_ino
    second = store.put_bytes(b"same")
    assert first == second
    assert store.blob_path(second.sha256).stat().st_ino == inode
    assert list(store.tmp.iterdir()) == []


def test_a_writer_over_its_limit_leaves_nothing_behind(store: EvidenceStore) -> None:
    with pytest.raises(BlobTooLarge), store.open_writer(max_bytes=10) as writer:
        writer.write(b"0123456789")
        writer.write(b"!")
    assert list(store.tmp.iterdir()) == []
    assert not any(store.blobs.rglob("*")) or all(p.is_dir() for p in store.blobs.rglob("*"))


def test_partial_writes_of_dead_processes_are_removed(store: EvidenceStore) -> None:
    stale = store.tmp / "999999999-deadbeef"
    stale.write_bytes(b"half a file")
    mine = store.tmp / f"{os.getpid()}-cafe"
    mine.write_bytes(b"in progress")
    assert store.remove_stale_tmp() == 1
    assert not stale.exists()
    assert mine.exists()


def test_thumbnails_are_addressed_by_content_and_index(store: EvidenceStore) -> None:
    sha = "ab" * 32
    store.put_thumbnail(sha, 2, b"\xff\xd8jpeg")
    path = store.thumbnail_path(sha, 2)
    assert path == store.thumbs / "ab" / f"{sha}-2.jpg"
    assert path.read_bytes() == b"\xff\xd8jpeg"
    assert stat.S_IMODE(path.stat().st_mode) == 0o400


def test_stale_partial_writes_of_this_host_go_and_another_hosts_stay(tmp_path: Path) -> None:
    import os

    from vigil.store.evidence import _HOST

    store = EvidenceStore(tmp_path / "store").create()
    dead_here = store.tmp / f"999999999@{_HOST}-aa"
    running_here = store.tmp / f"{os.getpid()}@{_HOST}-bb"
    other_host = store.tmp / "999999999@another_worker-cc"
    old_other_host = store.tmp / "999999999@another_worker-dd"
    legacy = store.tmp / "999999999-ee"  # before host names were recorded
    for path in (dead_here, running_here, other_host, old_other_host, legacy):
        path.write_bytes(b"partial")
    day_ago = os.stat(old_other_host).st_mtime - 2 * 24 * 3600
    os.utime(old_other_host, (day_ago, day_ago))

    assert store.remove_stale_tmp() == 3
    assert sorted(p.name for p in store.tmp.iterdir()) == sorted(
        [running_here.name, other_host.name]
    )


def test_a_partial_write_of_a_killed_worker_left_a_zombie_goes_too(tmp_path: Path) -> None:
    """kill -9 of a run leaves its pool workers as zombies where nothing reaps them (a
    container's PID 1): their pid still answers, but they will never finish their writes."""
    from vigil.store.evidence import _HOST, _zombie

    store = EvidenceStore(tmp_path / "store").create()
    child = os.fork()
    if child == 0:
        os._exit(0)  # dies at once, and stays a zombie until waited for
    try:
        partial = store.tmp / f"{child}@{_HOST}-ff"
        partial.write_bytes(b"partial")
        for _ in range(50):
            if _zombie(child):
                break
            time.sleep(0.02)

        assert store.remove_stale_tmp() == 1
        assert not partial.exists()
    finally:
        os.waitpid(child, 0)
