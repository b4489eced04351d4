"""Re-hashes stored copies and reports any that no longer match their address.

The caller says what to expect (the SHA-256 and recorded size of each copy, from the database);
this module only reads the store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from vigil.store.interface import EvidenceStorage

CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class VerifyProblem:
    sha256: str
    kind: str  # missing | mismatch | size_mismatch
    detail: str


@dataclass(slots=True)
class VerifyReport:
    checked: int = 0
    bytes: int = 0
    problems: list[VerifyProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "bytes": self.bytes,
            "ok": self.ok,
            "problems": [
                {"sha256": p.sha256, "kind": p.kind, "detail": p.detail} for p in self.problems
            ],
        }


def verify_blobs(
    expected: Iterable[tuple[str, int | None]], store: EvidenceStorage
) -> VerifyReport:
    """Re-hashes each (sha256, recorded size) copy; a size of None is not compared."""
    report = VerifyReport()
    for sha256, size in expected:
        report.checked += 1
        if not store.has_blob(sha256):
            report.problems.append(VerifyProblem(sha256, "missing", "stored copy not found"))
            continue
        digest = hashlib.sha256()
        length = 0
        with store.open_blob(sha256) as stored:
            while chunk := stored.read(CHUNK):
                digest.update(chunk)
                length += len(chunk)
        report.bytes += length
        if digest.hexdigest() != sha256:
            report.problems.append(
                VerifyProblem(sha256, "mismatch", f"content now hashes to {digest.hexdigest()}")
            )
        elif size is not None and length != size:
            report.problems.append(
                VerifyProblem(sha256, "size_mismatch", f"{length} bytes, recorded {size}")
            )
    return report
