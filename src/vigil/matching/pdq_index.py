"""Exact PDQ near-match search: every stored hash within a Hamming radius, never a miss.

Multi-index hashing (Norouzi, Punjani & Fleet, "Fast search in Hamming space with multi-index
hashing", CVPR 2012). The 256 bits are cut into m disjoint substrings, each with a table from
substring value to the rows holding it (CSR: `offsets` per value, rows sorted by value).
Generalised pigeonhole: if d(q, x) <= r and table i is probed at radius r_i with
sum(r_i + 1) >= r + 1, then some substring i has d_i(q, x) <= r_i (else d >= sum(r_i + 1) > r),
so probing every value within r_i of the query's substring in table i finds x. The bound holds
for substrings of any lengths. Candidates are then verified on all 256 bits.

m follows Norouzi's rule (substrings of about log2(N) bits, capped at 24): at 10M hashes,
11 substrings of 23-24 bits, probed at radius 2 (one at radius 1) for r = 31. Rows are stored
in the order of table 0, so table 0 needs no row permutation.

Codes are (N, 32) uint8 in Meta's hex order; internally four uint64 words per code, the first
word holding hex characters 0-15 with the first character in the top bits.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from vigil.core.fs import atomic_file

BITS = 256
CODE_BYTES = 32
HEX_CHARS = 64
DEFAULT_RADIUS = 31
MAGIC = b"VIGILPDQ"
FORMAT_VERSION = 1
_ALIGN = 64
_BATCH = 64  # queries per vectorised pass: keeps the candidate arrays in cache
_MAX_KEY_BITS = 24  # 2^24 offsets of 4 bytes = 64 MB per table
_MIN_KEY_BITS = 8
_BRUTE_FORCE_FACTOR = 8  # a probe costs about 8 scanned codes; scan when probing costs more
_HEX_VALUES = np.full(256, 255, dtype=np.uint8)
for _char in "0123456789abcdef":
    _HEX_VALUES[ord(_char)] = _HEX_VALUES[ord(_char.upper())] = int(_char, 16)

Hit = tuple[int, int, int]  # (query row, id, distance)


class IndexFileError(ValueError):
    """The index file is not one this version wrote, or it is damaged."""


# --- hex <-> codes ---------------------------------------------------------------------------


def hex_to_codes(hexes: Sequence[str]) -> np.ndarray:
    """(N, 32) uint8 codes from 64-char PDQ hex strings (either case); ValueError names the
    first bad row."""
    codes = np.empty((len(hexes), CODE_BYTES), dtype=np.uint8)
    chunk = 1_000_000  # bounds the temporary ASCII buffer at 64 MB
    for start in range(0, len(hexes), chunk):
        codes[start : start + chunk] = _hex_chunk(hexes[start : start + chunk], start)
    return codes


def _hex_chunk(hexes: Sequence[str], first_row: int) -> np.ndarray:
    for row, text in enumerate(hexes):
        if not isinstance(text, str) or len(text) != HEX_CHARS or not text.isascii():
            raise ValueError(f"row {first_row + row}: not a 64-character PDQ hex hash: {text!r}")
    ascii_ = np.frombuffer("".join(hexes).encode("ascii"), dtype=np.uint8)
    nibbles = _HEX_VALUES[ascii_].reshape(len(hexes), HEX_CHARS)
    bad = np.flatnonzero((nibbles == 255).any(axis=1))
    if len(bad):
        row = int(bad[0])
        raise ValueError(f"row {first_row + row}: not a 64-character PDQ hex hash: {hexes[row]!r}")
    return (nibbles[:, 0::2] << 4) | nibbles[:, 1::2]


def codes_to_hex(codes: np.ndarray) -> list[str]:
    text = _check_codes(codes, "codes").tobytes().hex()
    return [text[i : i + HEX_CHARS] for i in range(0, len(text), HEX_CHARS)]


def _check_codes(codes: np.ndarray, name: str) -> np.ndarray:
    codes = np.asarray(codes)
    if codes.dtype != np.uint8 or codes.ndim != 2 or codes.shape[1] != CODE_BYTES:
        raise ValueError(
            f"{name}: expected an (N, 32) uint8 array, got {codes.dtype} {codes.shape}"
        )
    return np.ascontiguousarray(codes)


def _words(codes: np.ndarray) -> np.ndarray:
    """(N, 4) native uint64: big-endian words keep the hex order within each word."""
    return codes.view(">u8").astype(np.uint64)


def _popcount_distances(words: np.ndarray, query: np.ndarray) -> np.ndarray:
    distance = np.bitwise_count(words[:, 0] ^ query[0])
    for column in range(1, 4):
        distance += np.bitwise_count(words[:, column] ^ query[column])
    return distance


# --- brute force (reference) -----------------------------------------------------------------


def brute_force_search(
    codes: np.ndarray, ids: np.ndarray, queries: np.ndarray, radius: int = DEFAULT_RADIUS
) -> list[Hit]:
    """The reference: every (query row, id, distance) within `radius` by a full popcount scan."""
    codes = _check_codes(codes, "codes")
    ids = _check_ids(ids, len(codes))
    _check_radius(radius)
    return _scan(
        np.ascontiguousarray(_words(codes).T), ids, _words(_check_codes(queries, "queries")), radius
    )


def _scan(columns: np.ndarray, ids: np.ndarray, query_words: np.ndarray, radius: int) -> list[Hit]:
    """Full scan over column-major words (4, N), one query at a time."""
    query_rows: list[np.ndarray] = []
    rows: list[np.ndarray] = []
    distances: list[np.ndarray] = []
    for query_row, query in enumerate(query_words):
        distance = np.bitwise_count(columns[0] ^ query[0])
        for column in range(1, 4):
            distance += np.bitwise_count(columns[column] ^ query[column])
        found = np.flatnonzero(distance <= radius)
        query_rows.append(np.full(len(found), query_row, dtype=np.int64))
        rows.append(found)
        distances.append(distance[found])
    return _as_hits(_concat(query_rows), ids[_concat(rows)], _concat(distances))


def _concat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _as_hits(query_rows: np.ndarray, ids: np.ndarray, distances: np.ndarray) -> list[Hit]:
    order = np.lexsort((ids, distances, query_rows))
    return list(
        zip(
            query_rows[order].tolist(),
            ids[order].tolist(),
            distances[order].astype(np.int64).tolist(),
            strict=True,
        )
    )


def _check_ids(ids: np.ndarray, count: int) -> np.ndarray:
    ids = np.asarray(ids)
    if ids.ndim != 1 or len(ids) != count or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"ids: expected {count} integers, got {ids.dtype} {ids.shape}")
    return ids.astype(np.int64, copy=False)


def _check_radius(radius: int) -> None:
    if not 0 <= radius <= BITS:
        raise ValueError(f"radius must be within 0..{BITS}, got {radius}")


# --- the tables ------------------------------------------------------------------------------


def substring_lengths(count: int, key_bits: int | None = None) -> tuple[int, ...]:
    """Substring lengths in bits for `count` hashes: m = 256 / log2(count) substrings
    (Norouzi's rule; 11 of 23-24 bits at 10M), none longer than 24 bits, or `key_bits` bits
    at most when given; lengths differ by at most one."""
    if key_bits is None:
        substrings = round(BITS / max(float(np.log2(max(count, 2))), _MIN_KEY_BITS))
        longest = _MAX_KEY_BITS
    else:
        substrings, longest = 1, int(np.clip(key_bits, 1, _MAX_KEY_BITS))
    substrings = max(substrings, -(-BITS // longest))  # ceil: none longer than `longest`
    short, extra = divmod(BITS, substrings)
    return (short + 1,) * extra + (short,) * (substrings - extra)


def _substring_keys(words: np.ndarray, start: int, length: int) -> np.ndarray:
    """The `length` bits from bit `start` (0 = top bit of word 0) of each code, as uint32."""
    word, shift = divmod(start, 64)
    keys = words[:, word] << np.uint64(shift)
    if shift + length > 64:
        keys |= words[:, word + 1] >> np.uint64(64 - shift)
    return (keys >> np.uint64(64 - length)).astype(np.uint32)


def _starts(lengths: Sequence[int]) -> list[int]:
    return np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(int).tolist()


@lru_cache(maxsize=64)
def _flip_masks(length: int, radius: int) -> np.ndarray:
    """Every `length`-bit value with at most `radius` bits set: XORed with a key, the keys to
    probe."""
    masks = [0]
    for flips in range(1, min(radius, length) + 1):
        masks.extend(sum(1 << bit for bit in bits) for bits in combinations(range(length), flips))
    return np.array(masks, dtype=np.uint32)


def probe_radii(lengths: Sequence[int], radius: int) -> list[int]:
    """Per-table probe radius r_i (-1: table not probed) with sum(r_i + 1) = radius + 1, as
    even as possible; the longer substrings (fewer rows per value) take the larger radii."""
    per_table, extra = divmod(radius + 1, len(lengths))
    order = sorted(range(len(lengths)), key=lambda table: -lengths[table])
    radii = [per_table - 1] * len(lengths)
    for table in order[:extra]:
        radii[table] += 1
    return radii


def _probe_cost(lengths: Sequence[int], radii: Sequence[int], count: int) -> float:
    probes = [
        len(_flip_masks(length, r)) if r >= 0 else 0
        for length, r in zip(lengths, radii, strict=True)
    ]
    candidates = sum(p * count / 2**length for p, length in zip(probes, lengths, strict=True))
    return float(sum(probes) + candidates)


@dataclass(frozen=True)
class _Table:
    start: int  # first bit of the substring
    length: int
    offsets: (
        np.ndarray
    )  # (2^length + 1,) uint32: rows of value v are order[offsets[v]:offsets[v+1]]
    order: np.ndarray | None  # (N,) uint32 row numbers sorted by value; None: rows already are


class PdqIndex:
    """Exact radius search over PDQ codes; see the module docstring for the method."""

    def __init__(self, words: np.ndarray, ids: np.ndarray, tables: list[_Table]) -> None:
        self._words = words  # (N, 4) uint64, rows in table 0's order
        self._ids = ids  # (N,) int64, same order
        self._tables = tables

    @classmethod
    def build(cls, codes: np.ndarray, ids: np.ndarray, *, key_bits: int | None = None) -> PdqIndex:
        """`key_bits` overrides the substring length (for benchmarks)."""
        codes = _check_codes(codes, "codes")
        ids = _check_ids(ids, len(codes))
        words = _words(codes)
        lengths = substring_lengths(len(codes), key_bits)
        starts = _starts(lengths)
        first_order = _sorted_rows(_substring_keys(words, starts[0], lengths[0]))
        words, ids = words[first_order], ids[first_order]
        tables = [
            _build_table(words, start, length)
            for start, length in zip(starts, lengths, strict=True)
        ]
        tables[0] = _Table(tables[0].start, tables[0].length, tables[0].offsets, None)
        return cls(words, np.ascontiguousarray(ids), tables)

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays held: codes, ids, offsets and row orders."""
        tables = sum(
            t.offsets.nbytes + (t.order.nbytes if t.order is not None else 0) for t in self._tables
        )
        return int(self._words.nbytes + self._ids.nbytes + tables)

    @property
    def substring_lengths(self) -> tuple[int, ...]:
        return tuple(table.length for table in self._tables)

    # --- search ---

    def search(self, queries: np.ndarray, radius: int = DEFAULT_RADIUS) -> list[Hit]:
        """Every (query row, id, distance) with distance <= radius, sorted by query row, then
        distance, then id."""
        query_rows, rows, distances = self.search_arrays(queries, radius)
        return _as_hits(query_rows, self._ids[rows], distances)

    def search_arrays(
        self, queries: np.ndarray, radius: int = DEFAULT_RADIUS
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(query rows, stored rows, distances), unsorted: the hits without Python objects."""
        query_words = _words(_check_codes(queries, "queries"))
        _check_radius(radius)
        empty = np.zeros(0, dtype=np.int64)
        if not len(self) or not len(query_words):
            return empty, empty, empty
        radii = probe_radii(self.substring_lengths, radius)
        if _probe_cost(self.substring_lengths, radii, len(self)) * _BRUTE_FORCE_FACTOR > len(self):
            return self._scan_arrays(query_words, radius)
        parts = [
            self._search_batch(query_words[first : first + _BATCH], radii, radius)
            for first in range(0, len(query_words), _BATCH)
        ]
        for number, part in enumerate(parts):
            part[0] += number * _BATCH
        return tuple(np.concatenate(column) for column in zip(*parts, strict=True))  # type: ignore[return-value]

    def _scan_arrays(
        self, query_words: np.ndarray, radius: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        query_rows, rows, distances = [], [], []
        for query_row, query in enumerate(query_words):
            distance = _popcount_distances(self._words, query)
            found = np.flatnonzero(distance <= radius)
            query_rows.append(np.full(len(found), query_row, dtype=np.int64))
            rows.append(found)
            distances.append(distance[found].astype(np.int64))
        return _concat(query_rows), _concat(rows), _concat(distances)

    def _search_batch(self, query_words: np.ndarray, radii: list[int], radius: int) -> list[Any]:
        found: list[list[np.ndarray]] = []
        for table, table_radius in zip(self._tables, radii, strict=True):
            if table_radius >= 0:
                # Verified table by table: one table's candidates stay in cache.
                query_rows, rows = self._probe(table, table_radius, query_words)
                found.append(_verify(self._words, query_words, query_rows, rows, radius))
        query_rows, rows, distances = (_concat(list(column)) for column in zip(*found, strict=True))
        # A code near the query is found by several tables: keep it once.
        _, first = np.unique(query_rows * len(self._words) + rows, return_index=True)
        return [query_rows[first], rows[first], distances[first]]

    def _probe(
        self, table: _Table, table_radius: int, query_words: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Candidate (query row, stored row) pairs from every value within table_radius."""
        masks = _flip_masks(table.length, table_radius)
        keys = _substring_keys(query_words, table.start, table.length)
        probes = (keys[:, None] ^ masks[None, :]).ravel()
        firsts = np.take(table.offsets, probes)
        counts = (np.take(table.offsets, probes + 1) - firsts).astype(np.int64)
        ends = np.cumsum(counts)
        positions = np.arange(int(ends[-1]), dtype=np.int64)
        positions += np.repeat(firsts - (ends - counts), counts)  # firsts[k] + offset in bucket
        per_query = counts.reshape(len(query_words), len(masks)).sum(axis=1)
        query_rows = np.repeat(np.arange(len(query_words), dtype=np.int64), per_query)
        rows = positions if table.order is None else np.take(table.order, positions)
        return query_rows, rows

    # --- persistence ---

    def save(self, path: Path) -> None:
        """One file, written atomically: magic, version, JSON header, 64-byte aligned arrays,
        each with its CRC-32."""
        arrays = self._named_arrays()
        specs: list[dict[str, Any]] = []
        offset = 0
        for name, array in arrays:
            specs.append(
                {
                    "name": name,
                    "dtype": array.dtype.str,
                    "shape": list(array.shape),
                    "offset": offset,
                    "crc32": _crc32(array),
                }
            )
            offset = _aligned(offset + array.nbytes)
        header = json.dumps(
            {"count": len(self), "lengths": list(self.substring_lengths), "arrays": specs}
        ).encode()
        preamble = MAGIC + struct.pack("<II", FORMAT_VERSION, len(header)) + header
        data_start = _aligned(len(preamble))
        with atomic_file(Path(path)) as handle:
            handle.write(preamble + b"\0" * (data_start - len(preamble)))
            for (_, array), spec in zip(arrays, specs, strict=True):
                _pad_to(handle, data_start + spec["offset"])
                handle.write(np.ascontiguousarray(array).data)

    def _named_arrays(self) -> list[tuple[str, np.ndarray]]:
        arrays = [("words", self._words), ("ids", self._ids)]
        for number, table in enumerate(self._tables):
            arrays.append((f"offsets{number}", table.offsets))
            if table.order is not None:
                arrays.append((f"order{number}", table.order))
        return arrays

    @classmethod
    def load(cls, path: Path, *, mmap: bool = False) -> PdqIndex:
        """Reads an index written by `save`, checking every array's CRC-32; IndexFileError
        when the file is damaged or of another format. `mmap` maps the arrays instead of
        reading them (faster to open, slower to search until the pages are cached)."""
        path = Path(path)
        size = path.stat().st_size
        with open(path, "rb") as handle:
            header, data_start = _read_header(handle, path)
        arrays: dict[str, np.ndarray] = {}
        for spec in header["arrays"]:
            arrays[spec["name"]] = _read_array(path, size, data_start, spec, mmap)
        return cls._from_arrays(path, header, arrays)

    @classmethod
    def _from_arrays(
        cls, path: Path, header: dict[str, Any], arrays: dict[str, np.ndarray]
    ) -> PdqIndex:
        try:
            lengths = [int(length) for length in header["lengths"]]
            count = int(header["count"])
            words, ids = arrays["words"], arrays["ids"]
            tables = [
                _Table(start, length, arrays[f"offsets{n}"], arrays.get(f"order{n}"))
                for n, (start, length) in enumerate(zip(_starts(lengths), lengths, strict=True))
            ]
        except (KeyError, TypeError, ValueError) as error:
            raise IndexFileError(f"{path}: malformed PDQ index header ({error})") from error
        consistent = (
            sum(lengths) == BITS
            and words.shape == (count, 4)
            and words.dtype == np.uint64
            and ids.shape == (count,)
            and all(_table_fits(table, count, n == 0) for n, table in enumerate(tables))
        )
        if not consistent:
            raise IndexFileError(f"{path}: PDQ index arrays do not fit together")
        return cls(words, ids, tables)


def _sorted_rows(keys: np.ndarray) -> np.ndarray:
    """Row numbers sorted by key, ties by row: one uint64 sort (SIMD) instead of a stable
    argsort."""
    packed = (keys.astype(np.uint64) << np.uint64(32)) | np.arange(len(keys), dtype=np.uint64)
    packed.sort()
    return (packed & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def _build_table(words: np.ndarray, start: int, length: int) -> _Table:
    keys = _substring_keys(words, start, length)
    offsets = np.zeros(2**length + 1, dtype=np.uint32)
    np.cumsum(np.bincount(keys, minlength=2**length), out=offsets[1:])
    return _Table(start, length, offsets, _sorted_rows(keys))


def _verify(
    words: np.ndarray,
    query_words: np.ndarray,
    query_rows: np.ndarray,
    rows: np.ndarray,
    radius: int,
) -> list[np.ndarray]:
    """The candidates within radius."""
    candidates = np.take(words, rows, axis=0)
    query_columns = np.ascontiguousarray(query_words.T)
    # Two words first: a random candidate is already ~64 bits away on them.
    distance = np.bitwise_count(candidates[:, 0] ^ np.take(query_columns[0], query_rows))
    distance += np.bitwise_count(candidates[:, 1] ^ np.take(query_columns[1], query_rows))
    near = np.flatnonzero(distance <= radius)
    query_rows, rows, distance = query_rows[near], rows[near], distance[near]
    for column in (2, 3):
        stored = np.take(candidates[:, column], near)
        distance += np.bitwise_count(stored ^ np.take(query_columns[column], query_rows))
    within = distance <= radius
    return [query_rows[within], rows[within], distance[within].astype(np.int64)]


def _table_fits(table: _Table, count: int, first: bool) -> bool:
    offsets_fit = (
        table.offsets.shape == (2**table.length + 1,)
        and table.offsets.dtype == np.uint32
        and int(table.offsets[0]) == 0
        and int(table.offsets[-1]) == count
    )
    if first:
        return offsets_fit and table.order is None
    return (
        offsets_fit
        and table.order is not None
        and table.order.shape == (count,)
        and table.order.dtype == np.uint32
    )


def _read_header(handle: BinaryIO, path: Path) -> tuple[dict[str, Any], int]:
    preamble = handle.read(len(MAGIC) + 8)
    if len(preamble) < len(MAGIC) + 8 or not preamble.startswith(MAGIC):
        raise IndexFileError(f"{path}: not a Vigil PDQ index (bad magic)")
    version, header_size = struct.unpack("<II", preamble[len(MAGIC) :])
    if version != FORMAT_VERSION:
        raise IndexFileError(
            f"{path}: PDQ index format version {version}; this Vigil reads {FORMAT_VERSION}"
        )
    raw = handle.read(header_size)
    try:
        header = json.loads(raw)
        assert isinstance(header, dict) and isinstance(header.get("arrays"), list)
    except (ValueError, AssertionError) as error:
        raise IndexFileError(f"{path}: unreadable PDQ index header") from error
    return header, _aligned(len(preamble) + header_size)


def _read_array(
    path: Path, size: int, data_start: int, spec: dict[str, Any], mmap: bool
) -> np.ndarray:
    try:
        dtype = np.dtype(spec["dtype"])
        shape = tuple(int(n) for n in spec["shape"])
        start = data_start + int(spec["offset"])
        nbytes = int(np.prod(shape)) * dtype.itemsize
        expected_crc = int(spec["crc32"])
    except (KeyError, TypeError, ValueError) as error:
        raise IndexFileError(f"{path}: malformed PDQ index header ({error})") from error
    if start + nbytes > size:
        raise IndexFileError(f"{path}: truncated (array {spec['name']} ends past the file)")
    if mmap:
        array: np.ndarray = np.memmap(path, dtype=dtype, mode="r", offset=start, shape=shape)
    else:
        array = np.fromfile(path, dtype=dtype, count=int(np.prod(shape)), offset=start)
        array = array.reshape(shape)
    if _crc32(array) != expected_crc:
        raise IndexFileError(f"{path}: array {spec['name']} is damaged (CRC-32 mismatch)")
    return array


def _crc32(array: np.ndarray) -> int:
    flat = np.ascontiguousarray(array).reshape(-1).view(np.uint8)
    crc = 0
    step = 64 * 1024 * 1024
    for start in range(0, len(flat), step):
        crc = zlib.crc32(flat[start : start + step].data, crc)
    return crc


def _aligned(offset: int) -> int:
    return -(-offset // _ALIGN) * _ALIGN


def _pad_to(handle: BinaryIO, position: int) -> None:
    handle.write(b"\0" * (position - handle.tell()))


__all__ = [
    "DEFAULT_RADIUS",
    "IndexFileError",
    "PdqIndex",
    "brute_force_search",
    "codes_to_hex",
    "hex_to_codes",
    "probe_radii",
    "substring_lengths",
]
