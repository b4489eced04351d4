"""Deterministic synthetic media for the demo: benign landscape-like scenes, never people.

Everything is a pure function of its arguments (seeded noise, fixed EXIF, no clock), so the demo
seizure has the same bytes, hence the same hashes, on every run with the same libraries.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np
from av.codec.context import Flags
from PIL import Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

TAG_MAKE = 0x010F
TAG_MODEL = 0x0110
TAG_ORIENTATION = 0x0112
TAG_SOFTWARE = 0x0131
EXIF_IFD = 0x8769
GPS_IFD = 0x8825
TAG_DATETIME_ORIGINAL = 0x9003
TAG_OFFSET_TIME_ORIGINAL = 0x9011
TAG_BODY_SERIAL = 0xA431
# GPS IFD tags (EXIF 2.3, table 15).
GPS_LATITUDE_REF, GPS_LATITUDE = 1, 2
GPS_LONGITUDE_REF, GPS_LONGITUDE = 3, 4
GPS_ALTITUDE_REF, GPS_ALTITUDE = 5, 6
GPS_TIME_STAMP, GPS_DATE_STAMP = 7, 29

JPEG_QUALITY = 88
SECONDS_DENOMINATOR = 1000  # 1/1000 arc-second: ~3 cm, far below what the tests tolerate


def synthetic_photo(width: int, height: int, seed: int) -> Image.Image:
    """A photo-ish outdoor scene: sky gradient, sun, two mountain ridges, ground, light noise.

    Colours and shapes vary with `seed`; the noise makes JPEGs compress like camera output.
    """
    rng = np.random.default_rng(seed)
    image = Image.fromarray(_sky_and_ground(width, height, rng), "RGB")
    draw = ImageDraw.Draw(image)
    _draw_sun(draw, width, height, rng)
    horizon = int(height * rng.uniform(0.55, 0.7))
    for layer in range(2):
        _draw_ridge(draw, width, horizon, height, layer, rng)
    return _add_noise(image, rng)


def _sky_and_ground(width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    top = rng.uniform([40, 90, 160], [120, 170, 240])
    bottom = rng.uniform([180, 200, 210], [250, 240, 250])
    t = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    column = top * (1 - t) + bottom * t  # (height, 1, 3)
    # A slight left-to-right light falloff, as a lens vignette would give.
    shade = 1.0 - 0.15 * np.abs(np.linspace(-1.0, 1.0, width, dtype=np.float32))[None, :, None]
    return np.clip(column * shade, 0, 255).astype(np.uint8)


def _draw_sun(draw: ImageDraw.ImageDraw, width: int, height: int, rng: np.random.Generator) -> None:
    radius = int(min(width, height) * rng.uniform(0.05, 0.1))
    cx = int(width * rng.uniform(0.15, 0.85))
    cy = int(height * rng.uniform(0.1, 0.35))
    colour = tuple(int(c) for c in rng.integers([235, 190, 80], [256, 240, 160]))
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=colour)


def _draw_ridge(
    draw: ImageDraw.ImageDraw,
    width: int,
    horizon: int,
    height: int,
    layer: int,
    rng: np.random.Generator,
) -> None:
    """A jagged mountain ridge closed along the bottom edge; the nearer layer is darker."""
    peaks = int(rng.integers(4, 9))
    xs = np.linspace(0, width, peaks + 1)
    lift = height * (0.25 - 0.1 * layer)
    ys = horizon - rng.uniform(0.2, 1.0, peaks + 1) * lift + layer * height * 0.12
    outline = [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]
    base = rng.integers([40, 70, 40], [110, 140, 100]) // (layer + 1)
    colour = tuple(int(c) for c in base)
    draw.polygon([*outline, (float(width), float(height)), (0.0, float(height))], fill=colour)


def _add_noise(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    pixels = np.asarray(image, dtype=np.int16)
    noise = rng.integers(-6, 7, size=pixels.shape, dtype=np.int16)
    return Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8), "RGB")


def jpeg_with_exif(
    img: Image.Image,
    *,
    make: str,
    model: str,
    body_serial: str,
    software: str,
    taken: datetime,
    gps: tuple[float, float, float] | None,
    orientation: int | None,
) -> bytes:
    """`img` as a JPEG carrying the EXIF a phone or camera would write.

    `taken` must carry its time zone: DateTimeOriginal is written in local time and
    OffsetTimeOriginal holds the offset (e.g. "+02:00"). `gps` is (latitude, longitude,
    altitude in metres), signed; it goes into the GPS IFD as degrees/minutes/seconds rationals.
    """
    if taken.tzinfo is None or taken.utcoffset() is None:
        raise ValueError("taken must carry a time zone")
    exif = Image.Exif()
    exif[TAG_MAKE] = make
    exif[TAG_MODEL] = model
    exif[TAG_SOFTWARE] = software
    if orientation is not None:
        exif[TAG_ORIENTATION] = orientation
    exif_ifd = exif.get_ifd(EXIF_IFD)
    exif_ifd[TAG_DATETIME_ORIGINAL] = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif_ifd[TAG_OFFSET_TIME_ORIGINAL] = _offset_text(taken)
    exif_ifd[TAG_BODY_SERIAL] = body_serial
    if gps is not None:
        exif.get_ifd(GPS_IFD).update(_gps_tags(*gps, taken))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=JPEG_QUALITY, exif=exif.tobytes())
    return out.getvalue()


def _offset_text(taken: datetime) -> str:
    offset = taken.utcoffset()
    assert offset is not None  # checked by the caller
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def _gps_tags(lat: float, lon: float, alt: float, taken: datetime) -> dict[int, object]:
    utc = taken.astimezone(UTC)  # GPS time stamps are always UTC
    return {
        GPS_LATITUDE_REF: "N" if lat >= 0 else "S",
        GPS_LATITUDE: _dms(lat),
        GPS_LONGITUDE_REF: "E" if lon >= 0 else "W",
        GPS_LONGITUDE: _dms(lon),
        GPS_ALTITUDE_REF: b"\x00" if alt >= 0 else b"\x01",  # 1 = below sea level
        GPS_ALTITUDE: _rational(Fraction(round(abs(alt) * 10), 10)),
        GPS_TIME_STAMP: (_rational(utc.hour), _rational(utc.minute), _rational(utc.second)),
        GPS_DATE_STAMP: utc.strftime("%Y:%m:%d"),
    }


def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    """Unsigned degrees, minutes, seconds (the sign goes in the Ref tag), as EXIF stores them."""
    total = round(abs(value) * 3600 * SECONDS_DENOMINATOR)  # integer thousandths of a second
    degrees, rest = divmod(total, 3600 * SECONDS_DENOMINATOR)
    minutes, seconds = divmod(rest, 60 * SECONDS_DENOMINATOR)
    return (
        _rational(degrees),
        _rational(minutes),
        _rational(Fraction(seconds, SECONDS_DENOMINATOR)),
    )


def _rational(value: int | Fraction) -> IFDRational:
    fraction = Fraction(value)
    return IFDRational(fraction.numerator, fraction.denominator)


def png_bytes(img: Image.Image) -> bytes:
    """Lossless PNG; Pillow writes no time chunk, so the bytes are stable."""
    out = io.BytesIO()
    img.save(out, "PNG", optimize=False)
    return out.getvalue()


def short_video(
    path: str | Path | BinaryIO,
    seconds: float = 2,
    size: tuple[int, int] = (160, 120),
    fps: int = 10,
) -> None:
    """An MPEG-4 Part 2 clip in an MP4 container: a bright square gliding over a scene.

    `path` may be a seekable binary file object (the MP4 muxer seeks back to write its index).
    The bit-exact flags keep the library version strings out, so the bytes depend only on the
    arguments; the container carries no creation time unless one is given.
    """
    width, height = size
    target = str(path) if isinstance(path, str | Path) else path
    with av.open(target, mode="w", format="mp4", options={"fflags": "+bitexact"}) as container:
        stream = container.add_stream("mpeg4", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.gop_size = fps  # a keyframe every second
        stream.codec_context.flags |= Flags.bitexact
        stream.codec_context.bit_rate = 400_000
        for frame in _video_frames(width, height, round(seconds * fps)):
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def _video_frames(width: int, height: int, count: int) -> list[av.VideoFrame]:
    background = np.asarray(synthetic_photo(width, height, seed=7))
    side = max(min(width, height) // 6, 2)
    top = height // 2 - side // 2
    frames = []
    for index in range(count):
        pixels = background.copy()
        left = index * (width - side) // max(count - 1, 1)
        pixels[top : top + side, left : left + side] = (250, 250, 235)
        frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
        frame.pts = index
        frames.append(frame)
    return frames
