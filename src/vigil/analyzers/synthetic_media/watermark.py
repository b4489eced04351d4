"""The invisible watermark that Stable Diffusion's reference scripts embed, read back with numpy.

The scripts use the `invisible-watermark` package's "dwtDct" method: the picture goes to YUV,
the U plane through a one-level Haar wavelet transform, and in each 4x4 block of the
approximation band the largest coefficient (DC excluded) is moved to a quarter or three
quarters of a step of 36, for a 0 or a 1 bit; the bits repeat over the blocks. Reading it back
is the same walk, averaged over all the blocks that carry each bit. The package itself is not
used: it pulls torch and opencv for this arithmetic.

The marks Vigil knows, as those scripts write them:
- SDXL (Stability AI generative-models, diffusers): the 48-bit message 0xB3EC907BB19E;
- Stable Diffusion 1.x (CompVis txt2img.py): the bytes "StableDiffusionV1";
- Stable Diffusion 2.x (Stability AI stablediffusion txt2img.py): the bytes "SDV2".
A mark survives PNG, not JPEG re-compression or resizing: its absence proves nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SCALE = 36.0  # the step of the U channel in invisible-watermark's defaults (scales=[0,36,36])
BLOCK = 4
HAAR = 0.7071067811865476  # pywt's Haar low-pass tap, 1/sqrt(2)
MIN_PIXELS = 256 * 256  # invisible-watermark refuses smaller pictures
#: A mark counts as present when so many bits agree that chance would do it less than once in a
#: billion unmarked pictures (SDXL: 44 of 48 bits; SD 2.x: all 32).
MAX_CHANCE = 1e-9


@dataclass(frozen=True, slots=True)
class KnownMark:
    name: str
    bits: tuple[int, ...]


def _bytes_bits(text: bytes) -> tuple[int, ...]:
    return tuple(int(bit) for bit in np.unpackbits(np.frombuffer(text, dtype=np.uint8)))


KNOWN_MARKS = (
    KnownMark("Stable Diffusion XL", tuple(int(b) for b in bin(0xB3EC907BB19E)[2:])),
    KnownMark("Stable Diffusion 1.x", _bytes_bits(b"StableDiffusionV1")),
    KnownMark("Stable Diffusion 2.x", _bytes_bits(b"SDV2")),
)


@dataclass(frozen=True, slots=True)
class MarkMatch:
    mark: str
    matched_bits: int
    total_bits: int
    chance_probability: float  # of at least this many bits agreeing in an unmarked picture

    @property
    def present(self) -> bool:
        return self.chance_probability < MAX_CHANCE


def block_votes(rgb: np.ndarray) -> np.ndarray:
    """Each 4x4 block's vote (0 or 1) in an H x W x 3 uint8 RGB picture, in embedding order;
    the same whatever the message length, so it is computed once per picture."""
    u_plane = _u_channel(rgb)
    rows, cols = (u_plane.shape[0] // 4) * 4, (u_plane.shape[1] // 4) * 4
    quad = u_plane[:rows, :cols]
    # Haar approximation band as pywt.dwt2(..., 'haar') computes it, in the same order of
    # floating-point operations: votes fall on exact multiples of the step in flat areas, and
    # the last bit of a double decides them.
    rows_done = quad[0::2] * HAAR + quad[1::2] * HAAR
    band = rows_done[:, 0::2] * HAAR + rows_done[:, 1::2] * HAAR
    block_rows, block_cols = band.shape[0] // BLOCK, band.shape[1] // BLOCK
    blocks = (
        band[: block_rows * BLOCK, : block_cols * BLOCK]
        .reshape(block_rows, BLOCK, block_cols, BLOCK)
        .transpose(0, 2, 1, 3)
        .reshape(-1, BLOCK * BLOCK)
    )
    largest = np.argmax(np.abs(blocks[:, 1:]), axis=1) + 1
    values = np.abs(blocks[np.arange(len(blocks)), largest])
    return (np.mod(values, SCALE) > 0.5 * SCALE).astype(np.float64)


def read_bits(votes: np.ndarray, length: int) -> np.ndarray:
    """The `length` bits a dwtDct watermark carries: the mean vote of the blocks of each bit."""
    slots = np.arange(len(votes)) % length
    means = np.bincount(slots, weights=votes, minlength=length) / np.maximum(
        np.bincount(slots, minlength=length), 1
    )
    return (means * 255 > 127).astype(np.uint8)


def match_known_marks(rgb: np.ndarray) -> list[MarkMatch]:
    """How well each known mark agrees with what the picture carries, best first."""
    if rgb.shape[0] * rgb.shape[1] < MIN_PIXELS:
        return []
    votes = block_votes(rgb)
    matches = []
    for mark in KNOWN_MARKS:
        bits = read_bits(votes, len(mark.bits))
        agreed = int(np.sum(bits == np.array(mark.bits, dtype=np.uint8)))
        matches.append(
            MarkMatch(mark.name, agreed, len(mark.bits), _binomial_tail(agreed, len(mark.bits)))
        )
    return sorted(matches, key=lambda m: m.chance_probability)


def _u_channel(rgb: np.ndarray) -> np.ndarray:
    """OpenCV's 8-bit BGR2YUV U plane, in its own fixed-point arithmetic (14-bit coefficients,
    luma rounded first): the watermark sits in the rounding, so 0.492 (B - Y) + 128 in floating
    point would flip bits."""
    red, green, blue = (rgb[..., channel].astype(np.int32) for channel in range(3))
    half = 1 << 13
    luma = (red * 4899 + green * 9617 + blue * 1868 + half) >> 14
    u_plane = ((blue - luma) * 8061 + (128 << 14) + half) >> 14
    return np.clip(u_plane, 0, 255).astype(np.float64)


def _binomial_tail(successes: int, trials: int) -> float:
    """P(X >= successes) for X ~ Binomial(trials, 1/2): how likely the agreement is by chance."""
    total = sum(math.comb(trials, k) for k in range(successes, trials + 1))
    return float(total / 2**trials)
