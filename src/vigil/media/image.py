"""Per-image triage facts: dimensions, format, EXIF, a PDQ perceptual hash and a thumbnail.

Built for throughput on one core: a JPEG is decoded by libjpeg at a reduced scale (1/2..1/8),
one resize brings it to at most PDQ_SIDE px, and both the PDQ hash and the thumbnail come from
that small image (PDQ on a full 12 MP frame costs ~60x more, for no better match). Meta's own
hashers also shrink to 512 px first, so the reduced path matches their reference hashes.

Never raises: failures become `Issue`s (errors `decompression_bomb`, `image_corrupt`,
`image_unsupported`, `unreadable_file`; warnings from EXIF reading and `image_frames_unreadable`).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pdqhash
import pillow_heif
from PIL import Image, ImageFile, JpegImagePlugin

from vigil.core import filetype
from vigil.core.issues import Issue, describe_error
from vigil.media.exif import read_exif
from vigil.media.thumbnail import fit_within, jpeg_thumbnail

pillow_heif.register_heif_opener()
# Workers run one image per process in a pool; libheif's own threads would oversubscribe it.
pillow_heif.options.DECODE_THREADS = 1

FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF", "HEIF")
_SNIFFED_AS_SUPPORTED = {"jpeg", "png", "gif", "webp", "bmp", "tiff", "heic"}
DEFAULT_MAX_PIXELS = 178_956_970
PDQ_SIDE = 512
WHITE = (255, 255, 255)

# EXIF orientation -> the transposition that makes the stored pixels upright (as ImageOps).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Modes Pillow resizes correctly as they are (alpha is premultiplied while resampling).
_RESIZABLE = {"RGB", "RGBA", "L", "LA", "CMYK"}


@dataclass
class ImageAnalysis:
    width: int | None = None
    height: int | None = None
    format: str | None = None
    mode: str | None = None
    frames: int | None = None
    exif: dict[str, object] = field(default_factory=dict)
    pdq: str | None = None  # 64 hex chars, Meta's bit order
    pdq_quality: int | None = None  # 0..100; below ~50 the hash is unreliable for matching
    # The 8 rotations/flips of the image, hashed in the same pass (same cost as one hash);
    # the first is `pdq`. Matching uses them to find rotated or mirrored copies.
    pdq_dihedral: list[str] = field(default_factory=list)
    thumbnail_jpeg: bytes | None = None
    issues: list[Issue] = field(default_factory=list)


class _TooManyPixels(Exception):
    pass


def analyze_image(
    source: bytes | Path,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    thumb_size: int = 256,
    pdq_side: int | None = PDQ_SIDE,
) -> ImageAnalysis:
    """Analyses the first frame of the image in `source` (its bytes, or the path of a copy).

    `pdq_side` is the longest side the pixels are reduced to before hashing; None hashes at full
    resolution (slow; only for checking what the reduction costs in accuracy).
    """
    result = ImageAnalysis()
    # Pillow's settings are process-global; workers run one image at a time, so set them per
    # call. A truncated image must fail, whatever a library imported in this process set
    # (WeasyPrint sets LOAD_TRUNCATED_IMAGES = True on import).
    Image.MAX_IMAGE_PIXELS = max_pixels
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            warnings.simplefilter("ignore", UserWarning)  # EXIF damage; read_exif reports it
            with _open(source) as img:
                _analyze(img, result, max_pixels, thumb_size, pdq_side)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError, _TooManyPixels) as bomb:
        result.issues.append(
            Issue.error(
                "decompression_bomb",
                f"Not decoded: the image declares more than {max_pixels} pixels, a possible "
                f"decompression bomb ({bomb}).",
            )
        )
    except Image.UnidentifiedImageError:
        result.issues.append(_unidentified(source))
    except Exception as error:  # decoders raise OSError, SyntaxError, ValueError, EOFError...
        result.issues.append(_decode_failure(error))
    return result


@contextmanager
def _open(source: bytes | Path) -> Iterator[Image.Image]:
    fp = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    with Image.open(fp, formats=FORMATS) as img:
        yield img


def _analyze(
    img: Image.Image,
    result: ImageAnalysis,
    max_pixels: int,
    thumb_size: int,
    pdq_side: int | None,
) -> None:
    result.width, result.height = img.size
    result.format, result.mode = img.format, img.mode
    if img.width * img.height > max_pixels:  # Pillow checks too; not every plugin path does
        raise _TooManyPixels(f"{img.width}x{img.height} pixels exceed the limit of {max_pixels}")
    result.frames = _frame_count(img, result.issues)
    try:
        reduced = _decode_reduced(img, pdq_side)  # a truncated file fails here
    finally:
        # Read after decoding (a PNG's eXIf chunk may follow the pixels), and also when decoding
        # failed: the EXIF of a truncated photo is still evidence.
        result.exif, exif_issues = read_exif(img)
        result.issues.extend(exif_issues)
    result.pdq_dihedral, result.pdq_quality = pdq_dihedral_hex(reduced)
    result.pdq = result.pdq_dihedral[0]
    # PDQ hashes the pixels as stored (as Meta's hashers do); the thumbnail shows them upright.
    orientation = result.exif.get("orientation")
    upright = _UPRIGHT.get(orientation) if isinstance(orientation, int) else None
    result.thumbnail_jpeg = jpeg_thumbnail(reduced, thumb_size, transpose=upright)


def _frame_count(img: Image.Image, issues: list[Issue]) -> int | None:
    try:
        # GIF/APNG/WebP/TIFF walk their frame headers here (no decoding); Pillow then returns
        # to the first frame.
        return int(getattr(img, "n_frames", 1))
    except Exception as error:
        issues.append(
            Issue.warning(
                "image_frames_unreadable",
                f"The frames after the first could not be counted ({describe_error(error)}).",
            )
        )
        img.seek(0)  # the walk stopped part-way; if even this fails, so would decoding
        return None


def _decode_reduced(img: Image.Image, side: int | None) -> Image.Image:
    """The first frame as RGB, at most `side` px on its longer side (None: full size)."""
    if side is not None and isinstance(img, JpegImagePlugin.JpegImageFile):  # JPEG and MPO
        # libjpeg scales by 1/2, 1/4 or 1/8 while decoding, keeping both sides >= the request.
        img.draft("RGB", fit_within(img.width, img.height, side))
    img.load()
    if img.mode in _RESIZABLE:
        return flatten_to_rgb(_shrink(img, side))
    return _shrink(flatten_to_rgb(img), side)


def _shrink(img: Image.Image, side: int | None) -> Image.Image:
    if side is None:
        return img
    size = fit_within(img.width, img.height, side)
    if size == img.size:
        return img
    # BILINEAR matched Meta's reference hashes best (BOX drifted by up to 4 bits); the reducing
    # gap only matters for images libjpeg could not pre-scale (PNG, WebP, ...).
    return img.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)


def flatten_to_rgb(img: Image.Image) -> Image.Image:
    """8-bit RGB; transparency is composited on white, 16-bit and float samples are scaled."""
    if img.mode == "RGB":
        return img
    if img.mode in ("I", "F") or img.mode.startswith("I;16"):
        img = _to_8bit_grey(img)
    if img.has_transparency_data:
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, WHITE)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")


def _to_8bit_grey(img: Image.Image) -> Image.Image:
    samples = np.asarray(img, dtype=np.float64)
    peak = float(samples.max()) if samples.size else 0.0
    if img.mode.startswith("I;16") or (img.mode == "I" and peak > 255):
        samples = samples / 257  # 16-bit range (Pillow opens 16-bit PNGs as I;16 or I)
    elif img.mode == "F" and peak <= 1.0:
        samples = samples * 255  # normalised floats
    return Image.fromarray(np.clip(samples, 0, 255).astype(np.uint8), "L")


def pdq_dihedral_hex(rgb: Image.Image) -> tuple[list[str], int]:
    """PDQ hashes of the 8 dihedral transforms (original first), and the quality.

    pdqhash derives all eight from one DCT, so this costs what a single hash costs.
    """
    hashes, quality = pdqhash.compute_dihedral(np.asarray(rgb))
    return [_packed_hex(bits) for bits in hashes], int(quality)


def _packed_hex(bits: np.ndarray) -> str:
    return np.packbits(bits.astype(np.uint8)).tobytes().hex()


def pdq_hex(rgb: Image.Image) -> tuple[str, int]:
    """PDQ hash of an RGB image as 64 hex chars, and its quality (0..100).

    pdqhash returns 256 bits with bit 0 first; packing them most-significant-bit first gives
    Meta's hex (checked against ThreatExchange's reference hashes).
    """
    bits, quality = pdqhash.compute(np.asarray(rgb))
    return np.packbits(bits.astype(np.uint8)).tobytes().hex(), int(quality)


def _unidentified(source: bytes | Path) -> Issue:
    header = _header(source)
    sniffed = filetype.sniff(header)
    if sniffed.label in _SNIFFED_AS_SUPPORTED:
        return Issue.error(
            "image_corrupt",
            f"The content starts like a {sniffed.label.upper()} image but could not be parsed.",
        )
    return Issue.error(
        "image_unsupported",
        f"Not an image format that is analysed ({sniffed.label}); supported: {', '.join(FORMATS)}.",
    )


def _header(source: bytes | Path) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source[: filetype.HEADER_BYTES])
    try:
        with open(source, "rb") as file:
            return file.read(filetype.HEADER_BYTES)
    except OSError:
        return b""


def _decode_failure(error: Exception) -> Issue:
    if isinstance(error, OSError) and error.errno is not None:  # the stored copy, not its content
        return Issue.error("unreadable_file", f"The file could not be read: {error.strerror}.")
    text = str(error)
    lowered = text.lower()
    if (
        isinstance(error, NotImplementedError)
        or "not available" in lowered
        or "unsupported" in lowered
    ):
        # e.g. a TIFF compression or a bit depth this Pillow build cannot decode
        return Issue.error("image_unsupported", f"The image cannot be decoded here: {text}")
    message = f"The image is damaged or truncated: {describe_error(error)}."
    return Issue.error("image_corrupt", message)
