"""Builds small synthetic seizures on disk for end-to-end tests of triage.

Every file is generated (gradients and shapes, never real photos of people). `expected_items`
counts what triage must report: every file, member and link, nothing else.
"""

from __future__ import annotations

import io
import os
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from tests.builders.archives import zip_bytes


@dataclass(frozen=True)
class Seizure:
    root: Path
    expected_items: int
    expected_failed_codes: tuple[str, ...]


def photo_bytes(seed: int, size: tuple[int, int] = (96, 64), fmt: str = "JPEG") -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x0, y0 = rng.randrange(size[0]), rng.randrange(size[1])
        x1, y1 = x0 + rng.randrange(5, 40), y0 + rng.randrange(5, 40)
        color = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.rectangle((x0, y0, x1, y1), fill=color)
    out = io.BytesIO()
    image.save(out, fmt, quality=85) if fmt == "JPEG" else image.save(out, fmt)
    return out.getvalue()


def build_mixed_seizure(root: Path, photos: int = 12) -> Seizure:
    """Photos (two identical), a nested zip, a truncated JPEG, a renamed JPEG, a text file,
    an internal and an escaping symlink."""
    (root / "DCIM").mkdir(parents=True)
    (root / "Downloads").mkdir()
    (root / "Documents").mkdir()
    for index in range(photos):
        (root / "DCIM" / f"IMG_{index:04d}.jpg").write_bytes(photo_bytes(index))
    (root / "DCIM" / "copy-of-IMG_0000.jpg").write_bytes(photo_bytes(0))
    inner = zip_bytes({"c.jpg": photo_bytes(100), "note.txt": b"inner note\n"})
    outer = zip_bytes(
        {"a.jpg": photo_bytes(101), "b.png": photo_bytes(102, fmt="PNG"), "nested/inner.zip": inner}
    )
    (root / "Downloads" / "holiday.zip").write_bytes(outer)
    full = photo_bytes(103, size=(320, 240))
    (root / "Documents" / "truncated.jpg").write_bytes(full[: len(full) // 2])
    (root / "Documents" / "report.pdf").write_bytes(photo_bytes(104))
    (root / "Documents" / "notes.txt").write_text("meeting at noon\n")
    os.symlink("../DCIM/IMG_0001.jpg", root / "Documents" / "shortcut.jpg")
    os.symlink("/etc/hostname", root / "Documents" / "escape")
    # files: photos + copy + holiday.zip + truncated + report + notes + 2 links
    # members: a.jpg, b.png, nested/inner.zip, c.jpg, note.txt
    return Seizure(
        root=root,
        expected_items=photos + 1 + 1 + 3 + 2 + 5,
        expected_failed_codes=("image_corrupt",),
    )


def snapshot(root: Path) -> dict[str, tuple[str, int, int]]:
    """SHA-256, size and mtime (ns) of every regular file under root, links not followed."""
    import hashlib

    state: dict[str, tuple[str, int, int]] = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            st = path.lstat()
            if path.is_symlink():
                state[str(path)] = (os.readlink(path), 0, st.st_mtime_ns)
                continue
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            state[str(path)] = (digest, st.st_size, st.st_mtime_ns)
    return state
