"""Re-hashes stored copies and reports any that no longer match their address."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from vigil.records.cases.models import Case, Item
from vigil.store.evidence import EvidenceStore

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


def verify_case_blobs(case: Case, store: EvidenceStore) -> VerifyReport:
    report = VerifyReport()
    shas = (
        Item.objects.filter(case=case, blob__isnull=False)
        .values_list("blob_id", "blob__size")
        .distinct()
        .order_by("blob_id")
    )
    for sha256, size in shas.iterator(chunk_size=2000):
        report.checked += 1
        path = store.blob_path(sha256)
        if not path.is_file():
            report.problems.append(VerifyProblem(sha256, "missing", "stored copy not found"))
            continue
        digest = hashlib.sha256()
        length = 0
        with open(path, "rb") as stored:
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
