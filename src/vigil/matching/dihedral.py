"""PDQ hashes of an image's eight rotations and flips, for matching turned or mirrored copies.

A known image rotated by 90° or mirrored has a plain PDQ hash far from the original's (about
128 bits: a different image to the hash). pdqhash derives the hashes of all eight dihedral
transforms from one DCT, so querying with all eight finds such copies for the price of one hash.
"""

from __future__ import annotations

import numpy as np
import pdqhash

# The order pdqhash.compute_dihedral returns them in (Meta's pdqDihedralHash256es).
TRANSFORMS = (
    "original",
    "rotate-90",
    "rotate-180",
    "rotate-270",
    "flip-x",
    "flip-y",
    "flip-plus-1",
    "flip-minus-1",
)


def dihedral_codes(image_rgb: np.ndarray) -> np.ndarray:
    """(8, 32) uint8 codes of an (H, W, 3) uint8 RGB image, in TRANSFORMS order; row 0 is the
    plain hash. Bits packed most significant first, as `vigil.media.image.pdq_hex` packs
    them, so `codes_to_hex` gives Meta's hex."""
    pixels = np.ascontiguousarray(image_rgb, dtype=np.uint8)
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) RGB array, got shape {pixels.shape}")
    hashes, _quality = pdqhash.compute_dihedral(pixels)
    return np.packbits(np.asarray(hashes, dtype=np.uint8), axis=1)
