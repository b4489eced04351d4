"""Each hash list's near-match indexes, persisted under VIGIL_HOME/indexes/:

- `<list id>.pdq`: one code per entry with a PDQ hash;
- `<list id>.vpdq`: one code per usable frame of every entry with a vPDQ hash (quality >= 50,
  repeated frames once), each row carrying its entry's id, so one search finds the videos that
  share frames with a query before the exact per-video comparison.

A list's entries never change after its import (a new version is a new list row with a new
id), so a file named by the id cannot go stale; a missing or unreadable one is rebuilt.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import numpy as np

from vigil import config
from vigil.matching.formats.entry import vpdq_frames
from vigil.matching.pdq_index import IndexFileError, PdqIndex, hex_to_codes
from vigil.media.vpdq import QUALITY_TOLERANCE
from vigil.records.matching.models import HashEntry, HashList

IndexKind = Literal["pdq", "vpdq"]
_KINDS: tuple[IndexKind, ...] = ("pdq", "vpdq")
_CHUNK = 100_000


def index_path(list_id: int, kind: IndexKind = "pdq") -> Path:
    return config.vigil_home() / "indexes" / f"{list_id}.{kind}"


def rebuild_index(hash_list: HashList) -> Path | None:
    """Builds and saves the list's indexes; returns the PDQ one (None when the list has none)."""
    paths = {kind: _rebuild(hash_list, kind) for kind in _KINDS}
    return paths["pdq"]


def load_index(hash_list: HashList) -> PdqIndex | None:
    return _load(hash_list, "pdq") if hash_list.pdq_count else None


def load_video_index(hash_list: HashList) -> PdqIndex | None:
    return _load(hash_list, "vpdq") if hash_list.vpdq_count else None


def remove_index(list_id: int) -> None:
    for kind in _KINDS:
        with contextlib.suppress(FileNotFoundError):
            index_path(list_id, kind).unlink()


def _load(hash_list: HashList, kind: IndexKind) -> PdqIndex | None:
    path = index_path(hash_list.pk, kind)
    if path.exists():
        try:
            return PdqIndex.load(path)
        except (IndexFileError, OSError):  # rebuilt from the database, which is authoritative
            pass
    rebuilt = _rebuild(hash_list, kind)
    return PdqIndex.load(rebuilt) if rebuilt else None


def _rebuild(hash_list: HashList, kind: IndexKind) -> Path | None:
    path = index_path(hash_list.pk, kind)
    rows = _pdq_rows(hash_list) if kind == "pdq" else _frame_rows(hash_list)
    codes, ids = _collect(rows)
    if not len(ids):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    PdqIndex.build(codes, ids).save(path)  # atomic: readers see the old index or the new one
    return path


def _pdq_rows(hash_list: HashList) -> Iterator[tuple[int, str]]:
    rows = (
        HashEntry.objects.filter(hash_list=hash_list, pdq__isnull=False)
        .order_by("pk")
        .values_list("pk", "pdq")
        .iterator(chunk_size=_CHUNK)
    )
    for pk, pdq in rows:
        yield pk, pdq or ""


def _frame_rows(hash_list: HashList) -> Iterator[tuple[int, str]]:
    rows = (
        HashEntry.objects.filter(hash_list=hash_list, vpdq__isnull=False)
        .order_by("pk")
        .values_list("pk", "vpdq")
        .iterator(chunk_size=1_000)
    )
    for pk, compact in rows:
        seen: set[str] = set()
        for pdq_hex, quality, _ in vpdq_frames(compact or "[]"):
            if quality >= QUALITY_TOLERANCE and pdq_hex not in seen:
                seen.add(pdq_hex)
                yield pk, pdq_hex


def _collect(rows: Iterator[tuple[int, str]]) -> tuple[np.ndarray, np.ndarray]:
    # Streamed in chunks: 10 million codes are 320 MB as bytes, far more as Python strings.
    code_parts: list[np.ndarray] = []
    id_parts: list[np.ndarray] = []
    chunk: list[tuple[int, str]] = []
    for row in rows:
        chunk.append(row)
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
