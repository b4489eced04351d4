"""Small RGB JPEG previews, shared by image and video analysis.

Thumbnails are shown to reviewers and may leave the evidence store, so they carry no metadata:
Pillow writes EXIF, ICC and XMP into a JPEG only when they are passed to `save` (none are), but
it copies a source's JPEG comment from `image.info`, hence the explicit empty comment.
"""

from __future__ import annotations

import io

from PIL import Image

THUMB_QUALITY = 80


def fit_within(width: int, height: int, side: int) -> tuple[int, int]:
    """The size that scales (width, height) so its longer side is at most `side`, never up."""
    scale = min(1.0, side / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def jpeg_thumbnail(
    image: Image.Image,
    side: int,
    *,
    transpose: Image.Transpose | None = None,
    quality: int = THUMB_QUALITY,
) -> bytes:
    """`image` as a JPEG at most `side` px long, turned by `transpose` (e.g. to honour EXIF
    orientation). Pass an image already near the target size: resizing is the costly part."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    size = fit_within(rgb.width, rgb.height, side)
    if size != rgb.size:
        rgb = rgb.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    if transpose is not None:
        rgb = rgb.transpose(transpose)  # after shrinking: cheaper, same result
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=quality, comment=b"")
    return out.getvalue()
