"""Small RGB JPEG previews, shared by image and video analysis.

Thumbnails are shown to reviewers and may leave the evidence store, so they carry no metadata:
Pillow only writes EXIF, ICC or XMP into a JPEG when they are passed to `save`, and none are.
"""

from __future__ import annotations

import io

from PIL import Image

THUMB_QUALITY = 80


def fit_within(width: int, height: int, side: int) -> tuple[int, int]:
    """The size that scales (width, height) so its longer side is at most `side`, never up."""
    scale = min(1.0, side / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def jpeg_thumbnail(image: Image.Image, side: int, quality: int = THUMB_QUALITY) -> bytes:
    """`image` (RGB, ideally already near the target size) as a JPEG at most `side` px long."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    size = fit_within(rgb.width, rgb.height, side)
    if size != rgb.size:
        rgb = rgb.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=quality)
    return out.getvalue()
