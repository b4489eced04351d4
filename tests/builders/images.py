"""Generated media for tests of image and video analysis: synthetic photos (gradients and shapes,
never real people), EXIF written through Pillow, and deliberately broken files (truncated JPEG,
PNG decompression bomb, malformed EXIF) crafted byte by byte where Pillow would refuse."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

EXIF_IFD = 0x8769
GPS_IFD = 0x8825

# What `photo_exif` writes; tests compare against these.
MAKE = "VigilCam"
MODEL = "Triage 3000"
BODY_SERIAL = "SN-0042-XYZ"
SOFTWARE = "Vigil Test Builder 1.0"
DATETIME_ORIGINAL = "2024:05:06 07:08:09"
OFFSET_TIME_ORIGINAL = "+02:00"
# 48°51'29.6"N 2°17'40.2"E, 35 m: written as degrees/minutes/seconds rationals.
GPS_LAT_DMS = (48, 51, Fraction(296, 10))
GPS_LON_DMS = (2, 17, Fraction(402, 10))
GPS_ALT_M = 35


def photo_pixels(width: int, height: int, seed: int = 0) -> Image.Image:
    """Smooth gradients plus a few hard-edged shapes: compresses like a photo and hashes with
    full PDQ quality."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    r = 255 * x / max(width - 1, 1)
    g = 255 * y / max(height - 1, 1)
    b = 127.5 + 127.5 * np.sin((x + y + seed * 37) / max(width, height) * 6.0)
    image = Image.fromarray(np.dstack([r, g, b]).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for i in range(5):
        k = (seed + i) % 5 + 1
        box = (
            width * k // 11,
            height * ((k * 3) % 7) // 9,
            width * (k + 3) // 11,
            height * ((k * 3) % 7 + 2) // 9,
        )
        colour = ((60 * k) % 256, (90 * i) % 256, (200 - 30 * k) % 256)
        (draw.ellipse if i % 2 else draw.rectangle)(box, fill=colour)
    return image


def photo_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = MAKE
    exif[0x0110] = MODEL
    exif[0x0131] = SOFTWARE
    if orientation is not None:
        exif[0x0112] = orientation
    exif_ifd = exif.get_ifd(EXIF_IFD)
    exif_ifd[0x9003] = DATETIME_ORIGINAL
    exif_ifd[0x9011] = OFFSET_TIME_ORIGINAL
    exif_ifd[0xA431] = BODY_SERIAL
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = tuple(_rational(v) for v in GPS_LAT_DMS)
    gps[3] = "E"
    gps[4] = tuple(_rational(v) for v in GPS_LON_DMS)
    gps[5] = b"\x00"
    gps[6] = _rational(GPS_ALT_M)
    gps[7] = (_rational(12), _rational(34), _rational(56))
    gps[29] = "2024:05:06"
    return exif


def _rational(value: int | Fraction) -> IFDRational:
    fraction = Fraction(value)
    return IFDRational(fraction.numerator, fraction.denominator)


def photo_jpeg(
    width: int = 320,
    height: int = 240,
    *,
    exif: Image.Exif | None = None,
    quality: int = 90,
    seed: int = 0,
) -> bytes:
    out = io.BytesIO()
    kwargs: dict[str, object] = {"quality": quality}
    if exif is not None:
        kwargs["exif"] = exif.tobytes()
    photo_pixels(width, height, seed).save(out, "JPEG", **kwargs)
    return out.getvalue()


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def oriented_jpeg(orientation: int = 6, width: int = 120, height: int = 60) -> bytes:
    """Stored landscape (left half red, right half blue); orientation 6 means a viewer turns it
    90° clockwise, so the upright picture is portrait with red on top."""
    image = Image.new("RGB", (width, height), (0, 0, 255))
    ImageDraw.Draw(image).rectangle((0, 0, width // 2 - 1, height - 1), fill=(255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(image, "JPEG", quality=95, exif=exif.tobytes())


def truncated_jpeg(
    width: int = 320, height: int = 240, keep: float = 0.6, exif: Image.Exif | None = None
) -> bytes:
    data = photo_jpeg(width, height, exif=exif)
    return data[: int(len(data) * keep)]


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A few hundred bytes that declare a huge greyscale PNG; the pixel data would inflate to
    width*height bytes. Only the header has to be believable to trigger the bomb check."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (width + 1) * 4)  # four rows of a filter byte + zeros
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


def png_with_exif_after_pixels(width: int = 64, height: int = 48) -> bytes:
    """A PNG whose eXIf chunk follows IDAT (allowed by the spec; readers must decode first)."""
    exif = photo_exif().tobytes()
    plain = encode(photo_pixels(width, height), "PNG")
    iend = plain.rindex(b"IEND") - 4
    return plain[:iend] + _chunk(b"eXIf", exif.removeprefix(b"Exif\x00\x00")) + plain[iend:]


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def jpeg_with_app1(app1_payload: bytes, width: int = 64, height: int = 48) -> bytes:
    """A valid JPEG whose first segment is the given APP1 payload (after the marker/length)."""
    plain = photo_jpeg(width, height)
    segment = b"\xff\xe1" + struct.pack(">H", len(app1_payload) + 2) + app1_payload
    return plain[:2] + segment + plain[2:]


def malformed_exif_jpeg(kind: str) -> bytes:
    """EXIF that a careless parser would crash or hang on; the pixels are fine.

    `past_end`: the Exif and GPS IFD pointers point far beyond the segment;
    `loop`: IFD0's Exif pointer and next-IFD pointer both point back at IFD0;
    `absurd_count`: Make claims 2**32-1 characters at an offset past the end;
    `wrong_types`: Make is a SHORT, DateTimeOriginal a RATIONAL, GPS latitude ASCII;
    `bad_header`: the TIFF header is garbage.
    """
    builders = {
        "past_end": lambda: _tiff(
            [(0x8769, 4, 1, 0x7FFF_0000), (0x8825, 4, 1, 0xFFFF_FF00)], next_ifd=0
        ),
        "loop": lambda: _tiff([(0x010F, 2, 4, b"Abc\x00"), (0x8769, 4, 1, 8)], next_ifd=8),
        "absurd_count": lambda: _tiff([(0x010F, 2, 0xFFFF_FFFF, 0x0FFF_FFFF)], next_ifd=0),
        "wrong_types": _wrong_types_tiff,
        "bad_header": lambda: b"XX\x00\x2a\x00\x00\x00\x08" + b"\x00" * 16,
    }
    return jpeg_with_app1(b"Exif\x00\x00" + builders[kind]())


Entry = tuple[int, int, int, int | bytes]


def _tiff(entries: Sequence[Entry], next_ifd: int, tail: bytes = b"") -> bytes:
    """Little-endian TIFF header and one IFD at offset 8; values of up to 4 bytes go inline."""
    body = struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        packed = value.ljust(4, b"\x00") if isinstance(value, bytes) else struct.pack("<I", value)
        body += struct.pack("<HHI", tag, typ, count) + packed
    return b"II*\x00" + struct.pack("<I", 8) + body + struct.pack("<I", next_ifd) + tail


def _wrong_types_tiff() -> bytes:
    # IFD0 at 8 with 3 entries = 2 + 36 + 4 bytes, so the Exif IFD follows at 50 and
    # the GPS IFD (2 + 12 + 4 later) at 68; that one holds 2 entries, so the rational is at 98.
    ifd0 = [(0x010F, 3, 1, 7), (0x8769, 4, 1, 50), (0x8825, 4, 1, 68)]
    exif_ifd = struct.pack("<H", 1) + struct.pack("<HHII", 0x9003, 5, 1, 98) + b"\x00" * 4
    gps_ifd = (
        struct.pack("<H", 2)
        + struct.pack("<HHI", 1, 2, 2)
        + b"N\x00\x00\x00"
        + struct.pack("<HHI", 2, 2, 4)
        + b"abc\x00"
        + b"\x00" * 4
    )
    rational = struct.pack("<II", 1, 0)
    return _tiff(ifd0, next_ifd=0, tail=exif_ifd + gps_ifd + rational)


def gps_jpeg(gps: dict[int, object]) -> bytes:
    """A small JPEG whose GPS IFD holds exactly `gps` (tag -> value)."""
    exif = Image.Exif()
    exif.get_ifd(GPS_IFD).update(gps)
    return photo_jpeg(64, 48, exif=exif)


def write_video(
    path: Path,
    *,
    seconds: float = 2.0,
    fps: int = 25,
    size: tuple[int, int] = (64, 48),
    rotation: int | None = None,
    red_left_half: bool = False,
) -> Path:
    """An MPEG-4 Part 2 clip in MP4 with a square sweeping across a gradient; a keyframe every
    half second so keyframe sampling has something to choose from. `rotation` writes a display
    matrix (degrees counter-clockwise, as phones do: -90 = show turned 90° clockwise);
    `red_left_half` paints the stored left half red to tell which way a thumbnail was turned."""
    width, height = size
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("mpeg4", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.gop_size = max(fps // 2, 1)
        if rotation is not None:
            stream.set_display_rotation(rotation)
        background = np.asarray(photo_pixels(width, height)).copy()
        if red_left_half:
            background[:, : width // 2] = (255, 0, 0)
        frames = round(seconds * fps)
        for index in range(frames):
            pixels = background.copy()
            left = index * (width - 12) // max(frames - 1, 1)
            pixels[height // 3 : height // 3 + 12, left : left + 12] = 255
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path
