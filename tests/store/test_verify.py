"""Re-hashing stored copies against the (SHA-256, size) pairs the caller expects."""

from __future__ import annotations

import os
from pathlib import Path

from vigil.core.hashing import hash_bytes
from vigil.store.evidence import EvidenceStore
from vigil.store.interface import EvidenceStorage
from vigil.store.verify import verify_blobs


def test_copies_that_match_their_address_and_size_pass(storage: EvidenceStorage) -> None:
    one, two = storage.put_bytes(b"one"), storage.put_bytes(b"second")
    report = verify_blobs([(one.sha256, 3), (two.sha256, None)], storage)
    assert report.ok
    assert (report.checked, report.bytes) == (2, len(b"onesecond"))


def test_a_missing_copy_and_a_wrong_recorded_size_are_both_reported(
    storage: EvidenceStorage,
) -> None:
    stored = storage.put_bytes(b"stored")
    absent = hash_bytes(b"never stored").sha256
    report = verify_blobs([(absent, 12), (stored.sha256, 99)], storage)
    assert [(p.sha256, p.kind) for p in report.problems] == [
        (absent, "missing"),
        (stored.sha256, "size_mismatch"),
    ]
    assert report.as_dict()["ok"] is False


def test_a_copy_changed_on_disk_no_longer_matches_its_address(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path / "store").create()
    digests = store.put_bytes(b"original")
    path = store.blob_path(digests.sha256)
    os.chmod(path, 0o644)
    path.write_bytes(b"0riginal")
    (problem,) = verify_blobs([(digests.sha256, digests.size)], store).problems
    assert problem.kind == "mismatch"
    assert problem.detail == f"content now hashes to {hash_bytes(b'0riginal').sha256}"
