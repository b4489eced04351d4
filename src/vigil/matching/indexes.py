"""Each hash list's PDQ near-match index, persisted at VIGIL_HOME/indexes/<list id>.pdq.

A list's entries never change after its import (a new version is a new list row with a new
id), so the file named by the id cannot go stale; a missing or unreadable one is rebuilt.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np

from vigil import config
from vigil.matching.pdq_index import IndexFileError, PdqIndex, hex_to_codes
from vigil.web.matching.models import HashEntry, HashList

_CHUNK = 100_000


def index_path(list_id: int) -> Path:
    return config.vigil_home() / "indexes" / f"{list_id}.pdq"


def rebuild_index(hash_list: HashList) -> Path | None:
    """Builds and saves the list's index; None (and no file) when the list has no PDQ."""
    path = index_path(hash_list.pk)
    codes, ids = _pdq_codes(hash_list)
    if not len(ids):
        remove_index(hash_list.pk)
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    PdqIndex.build(codes, ids).save(path)  # atomic: readers see the old index or the new one
    return path


def load_index(hash_list: HashList) -> PdqIndex | None:
    if not hash_list.pdq_count:
        return None
    path = index_path(hash_list.pk)
    if path.exists():
        try:
            return PdqIndex.load(path)
        except (IndexFileError, OSError):  # rebuilt from the database, which is authoritative
            pass
    rebuilt = rebuild_index(hash_list)
    return PdqIndex.load(rebuilt) if rebuilt else None


def remove_index(list_id: int) -> None:
    with contextlib.suppress(FileNotFoundError):
        index_path(list_id).unlink()


def _pdq_codes(hash_list: HashList) -> tuple[np.ndarray, np.ndarray]:
    # Streamed in chunks: 10 million codes are 320 MB as bytes, far more as Python strings.
    rows = (
        HashEntry.objects.filter(hash_list=hash_list, pdq__isnull=False)
        .order_by("pk")
        .values_list("pk", "pdq")
        .iterator(chunk_size=_CHUNK)
    )
    code_parts: list[np.ndarray] = []
    id_parts: list[np.ndarray] = []
    chunk: list[tuple[int, str]] = []
    for pk, pdq in rows:
        chunk.append((pk, pdq or ""))
        if len(chunk) == _CHUNK:
            _flush(chunk, code_parts, id_parts)
    _flush(chunk, code_parts, id_parts)
    if not id_parts:
        return np.zeros((0, 32), dtype=np.uint8), np.zeros(0, dtype=np.int64)
    return np.concatenate(code_parts), np.concatenate(id_parts)


def _flush(
    chunk: list[tuple[int, str]], code_parts: list[np.ndarray], id_parts: list[np.ndarray]
) -> None:
    if chunk:
        code_parts.append(hex_to_codes([pdq for _, pdq in chunk]))
        id_parts.append(np.fromiter((pk for pk, _ in chunk), dtype=np.int64, count=len(chunk)))
        chunk.clear()
