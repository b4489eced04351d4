"""`storage`: each test that asks for it runs once on the file store and once on the in-memory
fake, so the fake cannot drift from the real thing."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.store.evidence import EvidenceStore
from vigil.store.interface import EvidenceStorage
from vigil.store.memory import InMemoryStore


@pytest.fixture(params=["file system", "memory"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> EvidenceStorage:
    if request.param == "memory":
        return InMemoryStore()
    return EvidenceStore(tmp_path / "store").create()
