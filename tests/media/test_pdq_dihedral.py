"""Rotated and mirrored copies of one photo: their plain PDQ hashes are far apart, but each
lands within the match threshold of one of the original's eight dihedral hashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.media.image import analyze_image

DIH = "threatexchange/pdq/data/reg-test-input/dih"
VARIANTS = [
    "bridge-2-rotate-90.jpg",
    "bridge-3-rotate-180.jpg",
    "bridge-4-rotate-270.jpg",
    "bridge-5-flipx.jpg",
    "bridge-6-flipy.jpg",
    "bridge-7-flip-plus-1.jpg",
    "bridge-8-flip-minus-1.jpg",
]


def _distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_transformed_copy_matches_one_dihedral_hash_of_the_original(
    shared_data: Path, variant: str
) -> None:
    original = analyze_image((shared_data / DIH / "bridge-1-original.jpg").read_bytes())
    copy = analyze_image((shared_data / DIH / variant).read_bytes())
    assert len(original.pdq_dihedral) == 8
    assert original.pdq_dihedral[0] == original.pdq
    assert copy.pdq is not None
    assert _distance(copy.pdq, original.pdq) > 31, "without rotations it would be missed"
    assert min(_distance(copy.pdq, h) for h in original.pdq_dihedral) <= 31
