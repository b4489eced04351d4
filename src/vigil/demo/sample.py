"""The demo's sample seizure: a small, benign, fully synthetic folder that exercises triage.

Layout (19 files on disk, 26 items once the nested archives are expanded)::

    DCIM/IMG_0001.jpg .. IMG_0012.jpg    12 photos, EXIF + GPS (Lyon, Nairobi, Montevideo, Osaka,
                                         Reykjavik, Kathmandu, Vancouver, Hobart); IMG_0007 has
                                         orientation 6 (stored landscape, shown portrait)
    DCIM/IMG_0003 (1).jpg                the same bytes as IMG_0003.jpg under another name
    DCIM/Screenshots/Screenshot_20240506-101530.png
    Downloads/holiday.zip                3 photos (Dead Sea, below sea level; Cape Town) and
      more/inner.zip                     2 photos without GPS and readme.txt
    Documents/notes.txt
    Documents/report.pdf                 a JPEG: the extension disagrees with the content
    broken/truncated.jpg                 a photo cut in half: EXIF readable, pixels not
    Videos/clip.mp4                      2 s of MPEG-4 video, 160x120 at 10 fps

Items: the 19 files, plus holiday.zip's 4 members (3 photos and more/inner.zip), plus
inner.zip's 3 members (2 photos and readme.txt) = 26. Archives count as items themselves.

Building is deterministic: same bytes and the same fixed modification times on every run.
A rebuild leaves a file alone when it already has the right content and time, so rebuilding
over a triaged demo does not even touch the originals' change times.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

from vigil.demo.synthetic import jpeg_with_exif, png_bytes, short_video, synthetic_photo

EXPECTED_FILES = 19
EXPECTED_ITEMS = 26
PHOTO_SIZE = (640, 480)
# 2025-03-10T09:00:00Z: when the non-photo files were "last modified".
BASE_MTIME = datetime(2025, 3, 10, 9, 0, 0, tzinfo=UTC)
ARCHIVE_SEPARATOR = "!/"  # how triage shows a path inside an archive


@dataclass(frozen=True)
class Camera:
    make: str
    model: str
    body_serial: str
    software: str


PHONE = Camera("Northwind", "NW Phone 7", "NW7-5531-0082", "NW OS 14.2")
CAMERA = Camera("Lumen Optics", "LX-20", "LX20-000417", "LX Firmware 1.04")


@dataclass(frozen=True)
class Shot:
    """One synthetic photo: when and where it was "taken", and with what."""

    name: str
    gps: tuple[float, float, float] | None  # latitude, longitude, altitude (m)
    when: str  # ISO 8601, the camera clock with its offset
    camera: Camera
    place: str = ""
    orientation: int = 1  # upright as stored; written explicitly, as cameras do

    @property
    def taken(self) -> datetime:
        return datetime.fromisoformat(self.when)

    @property
    def seed(self) -> int:
        return zlib.crc32(self.name.encode())  # stable across runs, unlike hash()


# (place, (latitude, longitude, altitude m), camera clock with its offset, camera), in order:
# the n-th row is DCIM/IMG_000n.jpg.
_DCIM_TRIPS = (
    ("Lyon", (45.7640, 4.8357, 173.0), "2024-05-06T09:14:03+02:00", PHONE),
    ("Lyon", (45.7578, 4.8320, 168.5), "2024-05-06T11:02:47+02:00", PHONE),
    ("Nairobi", (-1.2921, 36.8219, 1795.0), "2024-06-18T16:40:12+03:00", PHONE),
    ("Nairobi", (-1.2864, 36.8172, 1661.0), "2024-06-19T07:55:30+03:00", PHONE),
    ("Montevideo", (-34.9011, -56.1645, 43.0), "2024-08-02T12:05:33-03:00", CAMERA),
    ("Montevideo", (-34.9125, -56.1550, 5.0), "2024-08-02T17:48:01-03:00", CAMERA),
    ("Osaka", (34.6937, 135.5023, 12.0), "2024-10-11T18:22:09+09:00", PHONE),
    ("Osaka", (34.6873, 135.5262, 25.0), "2024-10-12T10:03:44+09:00", PHONE),
    ("Reykjavik", (64.1466, -21.9426, 20.0), "2024-12-01T13:00:41+00:00", CAMERA),
    ("Kathmandu", (27.7172, 85.3240, 1400.0), "2025-01-15T08:30:00+05:45", CAMERA),
    ("Vancouver", (49.2827, -123.1207, 70.0), "2025-02-20T15:45:19-08:00", PHONE),
    ("Hobart", (-42.8821, 147.3272, 30.0), "2025-03-03T10:10:10+11:00", PHONE),
)
ROTATED = 7  # IMG_0007: orientation 6, stored landscape, a viewer turns it 90° clockwise
DCIM_SHOTS = tuple(
    Shot(f"IMG_{n:04d}.jpg", gps, when, camera, place, orientation=6 if n == ROTATED else 1)
    for n, (place, gps, when, camera) in enumerate(_DCIM_TRIPS, start=1)
)
DUPLICATE_OF = "IMG_0003.jpg"
DUPLICATE_NAME = "IMG_0003 (1).jpg"
HOLIDAY_SHOTS = (  # the Dead Sea shore is below sea level: a negative altitude
    Shot("dead-sea-1.jpg", (31.5590, 35.4732, -430.0), "2024-04-02T08:12:00+03:00", CAMERA),
    Shot("dead-sea-2.jpg", (31.5012, 35.4871, -428.5), "2024-04-02T09:40:16+03:00", CAMERA),
    Shot("cape-town.jpg", (-33.9249, 18.4241, 15.0), "2024-04-20T14:05:51+02:00", PHONE),
)
INNER_SHOTS = (  # from a camera without a GPS receiver
    Shot("scan-001.jpg", None, "2023-11-04T19:30:00+01:00", CAMERA),
    Shot("scan-002.jpg", None, "2023-11-04T19:31:12+01:00", CAMERA),
)
TRUNCATED_SHOT = Shot("truncated.jpg", (45.7700, 4.8300, 170.0), "2024-05-07T12:00:00+02:00", PHONE)
INNER_README = b"Scanned prints from the old album.\nNothing else in here.\n"
NOTES_TEXT = (
    b"Shopping list\n- bread\n- tomatoes\n- batteries (AA)\n\n"
    b"Call the plumber on Tuesday about the kitchen tap.\n"
)


@dataclass(frozen=True)
class SampleFile:
    path: str  # relative to the seizure root, POSIX separators
    sha256: str
    size: int
    note: str


@dataclass(frozen=True)
class SampleManifest:
    """What `build_sample_seizure` wrote, and what a triage of it must report."""

    root: Path
    files: tuple[SampleFile, ...]
    members: tuple[str, ...]  # archive members as triage shows them: "a.zip!/b.zip!/c.jpg"
    written: tuple[str, ...]  # files (re)written by this build; the rest were already right
    expected_failed: tuple[str, ...] = ("broken/truncated.jpg",)
    extension_mismatch: tuple[str, ...] = ("Documents/report.pdf",)

    @property
    def expected_files(self) -> int:
        return len(self.files)

    @property
    def expected_items(self) -> int:
        return len(self.files) + len(self.members)


@dataclass(frozen=True)
class _Planned:
    data: bytes
    mtime: datetime
    note: str


def build_sample_seizure(dest: Path) -> SampleManifest:
    """Writes the sample seizure under `dest` (created if needed); see the module docstring."""
    plan = _plan()
    written = [path for path, planned in plan.items() if _write(dest / path, planned)]
    files = tuple(
        SampleFile(path, hashlib.sha256(p.data).hexdigest(), len(p.data), p.note)
        for path, p in plan.items()
    )
    return SampleManifest(dest, files, _members(), tuple(written))


def _plan() -> dict[str, _Planned]:
    """Every file of the seizure, by relative path, in a stable order."""
    plan: dict[str, _Planned] = {}
    for shot in DCIM_SHOTS:
        plan[f"DCIM/{shot.name}"] = _Planned(_photo(shot), shot.taken, f"photo, {shot.place}")
    original = plan[f"DCIM/{DUPLICATE_OF}"]
    plan[f"DCIM/{DUPLICATE_NAME}"] = _Planned(original.data, BASE_MTIME, "copy of " + DUPLICATE_OF)
    plan["DCIM/Screenshots/Screenshot_20240506-101530.png"] = _Planned(
        png_bytes(_screenshot()), datetime(2024, 5, 6, 8, 15, 30, tzinfo=UTC), "screenshot"
    )
    plan["Downloads/holiday.zip"] = _Planned(
        _holiday_zip(), BASE_MTIME - timedelta(days=30), "zip with a nested zip"
    )
    plan["Documents/notes.txt"] = _Planned(NOTES_TEXT, BASE_MTIME, "text")
    plan["Documents/report.pdf"] = _Planned(
        _plain_jpeg(401), BASE_MTIME - timedelta(days=2), "a JPEG named .pdf"
    )
    plan["broken/truncated.jpg"] = _Planned(
        _truncated(), BASE_MTIME - timedelta(days=5), "JPEG cut in half"
    )
    plan["Videos/clip.mp4"] = _Planned(_video(), BASE_MTIME - timedelta(days=1), "2 s video")
    return plan


def _photo(shot: Shot, size: tuple[int, int] = PHOTO_SIZE) -> bytes:
    cam = shot.camera
    return jpeg_with_exif(
        synthetic_photo(*size, seed=shot.seed),
        make=cam.make,
        model=cam.model,
        body_serial=cam.body_serial,
        software=cam.software,
        taken=shot.taken,
        gps=shot.gps,
        orientation=shot.orientation,
    )


def _plain_jpeg(seed: int) -> bytes:
    out = io.BytesIO()
    synthetic_photo(*PHOTO_SIZE, seed=seed).save(out, "JPEG", quality=85)
    return out.getvalue()


def _truncated() -> bytes:
    data = _photo(TRUNCATED_SHOT)
    return data[: len(data) // 2]


def _screenshot() -> Image.Image:
    """A phone-screen-like picture: status bar, title bar, lines of "text" and a photo."""
    width, height = 360, 640
    image = Image.new("RGB", (width, height), (248, 248, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 24), fill=(20, 20, 24))
    draw.rectangle((0, 24, width, 72), fill=(33, 99, 186))
    for row in range(9):
        top = 92 + row * 22
        draw.rounded_rectangle((16, top, 16 + 120 + (row * 53) % 200, top + 10), 4, (190,) * 3)
    image.paste(synthetic_photo(328, 220, seed=601), (16, 300))
    draw.rectangle((0, height - 48, width, height), fill=(235, 235, 240))
    return image


def _holiday_zip() -> bytes:
    inner = _zip(
        [(s.name, _photo(s), s.taken) for s in INNER_SHOTS]
        + [("readme.txt", INNER_README, INNER_SHOTS[0].taken)]
    )
    entries = [(s.name, _photo(s), s.taken) for s in HOLIDAY_SHOTS]
    entries.append(("more/inner.zip", inner, HOLIDAY_SHOTS[-1].taken + timedelta(days=3)))
    return _zip(entries)


def _zip(entries: Iterable[tuple[str, bytes, datetime]]) -> bytes:
    """A ZIP whose bytes depend only on the entries: fixed DOS times (local, as cameras and
    phones write them), fixed permissions, no directory entries."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, when in entries:
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever the building machine is
            archive.writestr(info, data, compresslevel=6)
    return out.getvalue()


def _video() -> bytes:
    out = io.BytesIO()
    short_video(out, seconds=2, size=(160, 120), fps=10)
    return out.getvalue()


def _members() -> tuple[str, ...]:
    outer, inner = "Downloads/holiday.zip", "more/inner.zip"
    members = [f"{outer}{ARCHIVE_SEPARATOR}{s.name}" for s in HOLIDAY_SHOTS]
    members.append(f"{outer}{ARCHIVE_SEPARATOR}{inner}")
    nested = [s.name for s in INNER_SHOTS] + ["readme.txt"]
    members += [f"{outer}{ARCHIVE_SEPARATOR}{inner}{ARCHIVE_SEPARATOR}{n}" for n in nested]
    return tuple(members)


def _write(path: Path, planned: _Planned) -> bool:
    """Writes `planned` to `path` unless it is already there; returns whether it wrote.

    The time is set only when it differs: a needless utime would still move the change time.
    """
    mtime_ns = int(planned.mtime.timestamp()) * 1_000_000_000
    changed = not _has_content(path, planned.data)
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(planned.data)
        os.replace(partial, path)  # never a half-written original
    if changed or path.stat().st_mtime_ns != mtime_ns:
        os.utime(path, ns=(mtime_ns, mtime_ns))
    return changed


def _has_content(path: Path, data: bytes) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    return path.stat().st_size == len(data) and path.read_bytes() == data
