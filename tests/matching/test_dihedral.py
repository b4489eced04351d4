"""Rotated and flipped copies of ThreatExchange's bridge photo against an index holding only
the original's plain hash: missed by the plain hash, found through the eight dihedral hashes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vigil.matching.dihedral import TRANSFORMS, dihedral_codes
from vigil.matching.pdq_index import PdqIndex, codes_to_hex, hex_to_codes
from vigil.media.image import pdq_hex

DIH = "threatexchange/pdq/data/reg-test-input/dih"
COPIES = [
    "bridge-2-rotate-90.jpg",
    "bridge-3-rotate-180.jpg",
    "bridge-4-rotate-270.jpg",
    "bridge-5-flipx.jpg",
    "bridge-6-flipy.jpg",
    "bridge-7-flip-plus-1.jpg",
    "bridge-8-flip-minus-1.jpg",
]


def _rgb(shared_data: Path, name: str) -> np.ndarray:
    with Image.open(shared_data / DIH / name) as image:
        return np.asarray(image.convert("RGB"))


@pytest.fixture
def original_index(shared_data: Path) -> PdqIndex:
    plain = dihedral_codes(_rgb(shared_data, "bridge-1-original.jpg"))[:1]
    return PdqIndex.build(plain, np.array([7], dtype=np.int64))


def test_first_row_is_the_plain_hash_in_meta_hex_order(shared_data: Path) -> None:
    with Image.open(shared_data / DIH / "bridge-1-original.jpg") as image:
        rgb = image.convert("RGB")
        plain_hex, _ = pdq_hex(rgb)
        codes = dihedral_codes(np.asarray(rgb))
    assert codes.shape == (len(TRANSFORMS), 32) and codes.dtype == np.uint8
    assert codes_to_hex(codes)[0] == plain_hex
    expected = json.loads((shared_data / "threatexchange/EXPECTED.json").read_text())
    reference = expected["pdq_image_hashes_python_test"]["hashes"][
        "pdq/data/reg-test-input/dih/bridge-1-original.jpg"
    ]
    distance = np.unpackbits(codes[0] ^ hex_to_codes([reference["pdq_hex"]])[0]).sum()
    assert distance <= 16  # Meta's own tolerance between implementations


@pytest.mark.parametrize("copy", COPIES)
def test_a_turned_copy_is_found_only_through_its_dihedral_hashes(
    shared_data: Path, original_index: PdqIndex, copy: str
) -> None:
    codes = dihedral_codes(_rgb(shared_data, copy))
    # Measured: every copy's plain hash is 106-128 bits from the original's (an unrelated
    # image to PDQ), and one of its eight hashes is within 8 bits.
    assert original_index.search(codes[:1], radius=31) == []
    hits = original_index.search(codes, radius=31)
    assert hits and min(distance for _, _, distance in hits) <= 8
    assert {entry for _, entry, _ in hits} == {7}


def test_a_non_rgb_array_is_refused() -> None:
    with pytest.raises(ValueError, match="RGB"):
        dihedral_codes(np.zeros((16, 16), dtype=np.uint8))
