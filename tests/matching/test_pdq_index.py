"""The PDQ near-match index against the brute-force popcount reference: same hits, always."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from vigil.matching import pdq_index
from vigil.matching.pdq_index import (
    IndexFileError,
    PdqIndex,
    brute_force_search,
    codes_to_hex,
    hex_to_codes,
    probe_radii,
    substring_lengths,
)

BRIDGE = "d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22"


def _random_codes(rng: np.random.Generator, count: int) -> np.ndarray:
    return rng.integers(0, 256, (count, 32), dtype=np.uint8)


def _flip(code: np.ndarray, bits: np.ndarray) -> np.ndarray:
    unpacked = np.unpackbits(code)
    unpacked[bits] ^= 1
    return np.packbits(unpacked)


def _at_distance(rng: np.random.Generator, code: np.ndarray, distance: int) -> np.ndarray:
    return _flip(code, rng.choice(256, distance, replace=False))


def _clustered_codes(rng: np.random.Generator, families: int, size: int) -> np.ndarray:
    """Families of near-duplicates (as real lists have: many edits of one picture)."""
    centres = _random_codes(rng, families)
    members = [
        _at_distance(rng, centre, int(rng.integers(0, 40)))
        for centre in centres
        for _ in range(size)
    ]
    return np.concatenate([centres, np.array(members)])


def _queries(rng: np.random.Generator, codes: np.ndarray, count: int) -> np.ndarray:
    """Half planted near-duplicates at distances 0..32, half random."""
    planted = [
        _at_distance(rng, codes[rng.integers(len(codes))], int(rng.integers(0, 33)))
        for _ in range(count // 2)
    ]
    return np.concatenate([np.array(planted), _random_codes(rng, count - count // 2)])


@pytest.fixture
def force_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small lists are scanned; this makes them use the tables, the path under test."""
    monkeypatch.setattr(pdq_index, "_BRUTE_FORCE_FACTOR", 0)


# --- hex ---


def test_hex_round_trip_in_meta_bit_order() -> None:
    codes = hex_to_codes([BRIDGE, BRIDGE.upper(), "8" + "0" * 63])
    assert codes.shape == (3, 32) and codes.dtype == np.uint8
    assert codes[0, 0] == 0xD8 and codes[0, 31] == 0x22  # first hex pair is byte 0
    assert np.unpackbits(codes[2]).tolist() == [1] + [0] * 255  # first char's top bit first
    assert codes_to_hex(codes) == [BRIDGE, BRIDGE, "8" + "0" * 63]


def test_hex_of_the_threatexchange_reference_hashes_round_trips(shared_data: Path) -> None:
    expected = json.loads((shared_data / "threatexchange/EXPECTED.json").read_text())
    hexes = [h["pdq_hex"] for h in expected["pdq_image_hashes_python_test"]["hashes"].values()]
    assert codes_to_hex(hex_to_codes(hexes)) == hexes


@pytest.mark.parametrize("bad", ["d8f8", BRIDGE[:-1] + "g", BRIDGE[:-1] + "é", BRIDGE + " "])
def test_a_bad_hex_row_is_named(bad: str) -> None:
    with pytest.raises(ValueError, match="row 1"):
        hex_to_codes([BRIDGE, bad])


def test_no_hexes_make_no_codes() -> None:
    assert hex_to_codes([]).shape == (0, 32)
    assert codes_to_hex(np.zeros((0, 32), dtype=np.uint8)) == []


# --- the pigeonhole plan ---


@pytest.mark.parametrize("count", [1, 100, 20_000, 1_000_000, 10_000_000, 100_000_000])
def test_substrings_cover_the_256_bits(count: int) -> None:
    lengths = substring_lengths(count)
    assert sum(lengths) == 256 and max(lengths) - min(lengths) <= 1 and max(lengths) <= 24


@pytest.mark.parametrize("tables", [11, 13, 19, 32])
@pytest.mark.parametrize("radius", [0, 1, 10, 31, 32, 64])
def test_probe_radii_satisfy_the_pigeonhole_bound(tables: int, radius: int) -> None:
    radii = probe_radii([256 // tables] * tables, radius)
    assert sum(r + 1 for r in radii) >= radius + 1 and min(radii) >= -1


# --- search == brute force ---


@pytest.mark.parametrize("count", [3_000, 30_000])
@pytest.mark.usefixtures("force_index")
def test_search_equals_brute_force_on_random_codes(count: int) -> None:
    rng = np.random.default_rng(count)
    codes = _random_codes(rng, count)
    ids = rng.permutation(count).astype(np.int64) + 1000
    queries = _queries(rng, codes, 200)
    index = PdqIndex.build(codes, ids)
    for radius in (0, 31):
        assert index.search(queries, radius) == brute_force_search(codes, ids, queries, radius)


@pytest.mark.usefixtures("force_index")
def test_search_equals_brute_force_on_clustered_codes() -> None:
    rng = np.random.default_rng(7)
    codes = _clustered_codes(rng, families=300, size=30)
    ids = np.arange(len(codes), dtype=np.int64)
    queries = _queries(rng, codes, 200)
    index = PdqIndex.build(codes, ids)
    hits = index.search(queries)
    assert len(hits) > 400  # a planted query finds several of its family
    assert hits == brute_force_search(codes, ids, queries, 31)


def test_the_scan_used_for_small_lists_equals_brute_force() -> None:
    rng = np.random.default_rng(8)
    codes = _random_codes(rng, 500)
    ids = np.arange(500, dtype=np.int64)
    queries = _queries(rng, codes, 100)
    for radius in (0, 31, 100):
        expected = brute_force_search(codes, ids, queries, radius)
        assert PdqIndex.build(codes, ids).search(queries, radius) == expected


@pytest.mark.usefixtures("force_index")
def test_every_distance_up_to_31_is_found_and_32_is_not() -> None:
    rng = np.random.default_rng(9)
    codes = _random_codes(rng, 5_000)
    index = PdqIndex.build(codes, np.arange(5_000, dtype=np.int64))
    targets = rng.choice(5_000, 33, replace=False)
    queries = np.array([_at_distance(rng, codes[t], d) for d, t in enumerate(targets)])
    found = {(row, entry): distance for row, entry, distance in index.search(queries, 31)}
    for distance, target in enumerate(targets[:32]):
        assert found[(distance, int(target))] == distance
    assert (32, int(targets[32])) not in found


@pytest.mark.usefixtures("force_index")
def test_neighbours_found_by_a_single_table_are_found() -> None:
    """The worst case of the bound: distance 31 spread so that only table i, probed at r_i,
    holds the neighbour (every other substring differs in r_j + 1 bits)."""
    rng = np.random.default_rng(10)
    codes = _random_codes(rng, 20_000)
    index = PdqIndex.build(codes, np.arange(20_000, dtype=np.int64))
    lengths = index.substring_lengths
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    radii = probe_radii(lengths, 31)
    targets = rng.choice(20_000, len(lengths), replace=False)
    queries = []
    for only, target in enumerate(targets):
        flips = [
            start + rng.choice(length, r + (table != only), replace=False)
            for table, (start, length, r) in enumerate(zip(starts, lengths, radii, strict=True))
        ]
        queries.append(_flip(codes[target], np.concatenate(flips).astype(np.int64)))
    hits = index.search(np.array(queries), 31)
    assert {(row, entry) for row, entry, _ in hits} >= {(i, int(t)) for i, t in enumerate(targets)}
    assert all(distance <= 31 for _, _, distance in hits)


@pytest.mark.usefixtures("force_index")
def test_duplicate_hashes_with_different_ids_are_all_returned() -> None:
    rng = np.random.default_rng(11)
    codes = _random_codes(rng, 2_000)
    codes[[5, 900, 1999]] = codes[5]
    index = PdqIndex.build(codes, np.arange(2_000, dtype=np.int64) * 10)
    assert index.search(codes[5:6], 0) == [(0, 50, 0), (0, 9000, 0), (0, 19990, 0)]


def test_an_empty_index_finds_nothing() -> None:
    index = PdqIndex.build(np.zeros((0, 32), dtype=np.uint8), np.zeros(0, dtype=np.int64))
    assert len(index) == 0
    assert index.search(hex_to_codes([BRIDGE])) == []


def test_no_queries_find_nothing() -> None:
    index = PdqIndex.build(hex_to_codes([BRIDGE]), np.array([1]))
    assert index.search(np.zeros((0, 32), dtype=np.uint8)) == []


@pytest.mark.parametrize("radius", [-1, 257])
def test_a_radius_outside_0_to_256_is_refused(radius: int) -> None:
    index = PdqIndex.build(hex_to_codes([BRIDGE]), np.array([1]))
    with pytest.raises(ValueError, match="radius"):
        index.search(hex_to_codes([BRIDGE]), radius)


def test_codes_of_the_wrong_shape_are_refused() -> None:
    with pytest.raises(ValueError, match="32"):
        PdqIndex.build(np.zeros((3, 31), dtype=np.uint8), np.arange(3))
    with pytest.raises(ValueError, match="ids"):
        PdqIndex.build(np.zeros((3, 32), dtype=np.uint8), np.arange(2))


# --- persistence ---


@pytest.fixture
def saved(tmp_path: Path) -> tuple[PdqIndex, Path, np.ndarray]:
    rng = np.random.default_rng(12)
    codes = _random_codes(rng, 20_000)
    index = PdqIndex.build(codes, rng.integers(0, 2**40, 20_000))
    path = tmp_path / "list.pdq"
    index.save(path)
    return index, path, _queries(rng, codes, 100)


@pytest.mark.parametrize("mmap", [False, True])
def test_save_and_load_round_trip(saved: tuple[PdqIndex, Path, np.ndarray], mmap: bool) -> None:
    index, path, queries = saved
    loaded = PdqIndex.load(path, mmap=mmap)
    assert len(loaded) == len(index) and loaded.substring_lengths == index.substring_lengths
    assert loaded.search(queries) == index.search(queries)
    assert not list(path.parent.glob("*.tmp"))  # the temporary file was renamed


def test_an_empty_index_round_trips(tmp_path: Path) -> None:
    PdqIndex.build(np.zeros((0, 32), dtype=np.uint8), np.zeros(0, np.int64)).save(
        tmp_path / "e.pdq"
    )
    assert len(PdqIndex.load(tmp_path / "e.pdq")) == 0


def _damage(path: Path, position: int, data: bytes) -> None:
    content = bytearray(path.read_bytes())
    content[position : position + len(data)] = data
    path.write_bytes(bytes(content))


@pytest.mark.parametrize(
    ("position", "data", "message"),
    [
        (0, b"NOTANIDX", "bad magic"),
        (8, b"\x09\x00\x00\x00", "format version 9"),
        (20, b"\xff\xff", "unreadable PDQ index header"),
        (-5000, b"\x55\xaa\x55\xaa", "CRC-32 mismatch"),
    ],
)
def test_a_damaged_file_is_refused(
    saved: tuple[PdqIndex, Path, np.ndarray], position: int, data: bytes, message: str
) -> None:
    _, path, _ = saved
    _damage(path, position if position >= 0 else path.stat().st_size + position, data)
    with pytest.raises(IndexFileError, match=message):
        PdqIndex.load(path)


def test_a_truncated_file_is_refused(saved: tuple[PdqIndex, Path, np.ndarray]) -> None:
    _, path, _ = saved
    path.write_bytes(path.read_bytes()[:-1000])
    with pytest.raises(IndexFileError, match="truncated"):
        PdqIndex.load(path)
