"""A case's stored copies re-hashed: the database names what it expects, store.verify checks."""

from __future__ import annotations

from vigil.records.cases.models import Case, Item
from vigil.store.interface import EvidenceStorage
from vigil.store.verify import VerifyReport, verify_blobs


def verify_case(case: Case, store: EvidenceStorage) -> VerifyReport:
    """Every distinct content of the case's items, with the size recorded at triage."""
    stored_copies = (
        Item.objects.filter(case=case, blob__isnull=False)
        .values_list("blob_id", "blob__size")
        .distinct()
        .order_by("blob_id")
    )
    return verify_blobs(stored_copies.iterator(chunk_size=2000), store)
