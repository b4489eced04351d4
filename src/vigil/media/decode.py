"""Decoding one image for an analyzer: the pixel limit, the first frame, turned upright by its
EXIF orientation, as 8-bit RGB, optionally reduced.

These raise (one of DECODE_ERRORS for a damaged or hostile file); the image capability of the
analyzers (vigil.analyzers.base.ImageInput) turns that into an `image_corrupt` issue.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from PIL import ExifTags, Image, ImageOps

from vigil.media.image import flatten_to_rgb

#: What Pillow raises for a damaged, truncated or hostile file (a broken PNG chunk raises
#: SyntaxError while decoding).
DECODE_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    Image.DecompressionBombError,
    ValueError,
    SyntaxError,
)
# The EXIF orientations that turn the picture a quarter turn, so swap its width and height.
_QUARTER_TURNS = frozenset({5, 6, 7, 8})


@dataclass(frozen=True, slots=True)
class DecodedImage:
    rgb: Image.Image  # 8-bit RGB, no longer tied to the file
    full_size: tuple[int, int]  # (width, height) before any reduction, oriented as `rgb`


@contextmanager
def open_limited(
    stream: BinaryIO, *, max_pixels: int, formats: tuple[str, ...] | None = None
) -> Iterator[Image.Image]:
    """The image in `stream`, its header read, refused beyond `max_pixels` pixels; only the
    Pillow `formats` named (None: any Pillow opens)."""
    # Pillow's limit is process-global; workers decode one image at a time, so set it per call.
    Image.MAX_IMAGE_PIXELS = max_pixels
    with Image.open(stream, formats=formats) as img:
        yield img


def decode_rgb(
    img: Image.Image, *, max_side: int | None = None, upright: bool = True
) -> DecodedImage:
    """The first frame of `img` as 8-bit RGB, turned upright by its EXIF orientation when
    `upright` (phones store pictures sideways), at most `max_side` px long when given."""
    full_size = img.size
    if max_side is not None:
        img.draft("RGB", (max_side, max_side))  # libjpeg decodes at a reduced scale
    img.load()
    frame = img
    if upright:
        frame = ImageOps.exif_transpose(img)
        if img.getexif().get(ExifTags.Base.Orientation) in _QUARTER_TURNS:
            full_size = (full_size[1], full_size[0])
    rgb = flatten_to_rgb(frame)
    if rgb is img:
        rgb = rgb.copy()  # its pixels must outlive the file, closed with `img`
    if max_side is not None:
        rgb.thumbnail((max_side, max_side))
    return DecodedImage(rgb, full_size)
