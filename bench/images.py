"""Disk-image benchmark: triage of a raw disk image against triage of the same files from a
folder, in the same run, each with a fresh instance (target: the image at >= 0.8x the folder's
rate). The disk has a GPT with a FAT32 and an ext4 partition, half the photos in each, built
with Debian's mkfs.fat, mtools and mkfs.ext4 -d (no mounting, no root).

    .venv/bin/python bench/images.py [--photos 2000] [--workers 2] [--quick] [--keep DIR]

Peak RSS is sampled over each run's process tree (sum, and the largest process). Carving is not
measured: Vigil does not carve yet.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

if __package__ in (None, ""):  # run as a script: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ingest import (
    _read_summary,
    _run_checked,
    _timed_run,
    fresh_home,
    vigil_executable,
)

TARGET_RATIO = 0.8
MIB = 1024 * 1024
SECTOR = 512


def _photo(task: tuple[Path, int]) -> int:
    """A 1920x1080 JPEG of smooth gradients and noise (about 0.5 MB), unique by seed."""
    path, seed = task
    rng = np.random.default_rng(seed)
    base = np.linspace(0, 255, 1920, dtype=np.float32)[None, :, None]
    pixels = base * rng.uniform(0.3, 1.0, (1, 1, 3)) + rng.normal(0, 18, (1080, 1920, 3))
    out = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=85)
    path.write_bytes(out.getvalue())
    return len(out.getvalue())


def build_photos(folder: Path, count: int, workers: int) -> int:
    for part in ("fat", "ext"):
        (folder / part / "DCIM").mkdir(parents=True, exist_ok=True)
    tasks = [
        (folder / ("fat" if index % 2 else "ext") / "DCIM" / f"IMG_{index:05}.JPG", index)
        for index in range(count)
    ]
    with Pool(workers) as pool:
        return sum(pool.map(_photo, tasks, chunksize=16))


def build_disk(folder: Path, disk: Path) -> None:
    """GPT: p1 FAT (32 when large enough) holding folder/fat, p2 ext4 holding folder/ext,
    each sized to fit."""
    sizes = {part: _tree_bytes(folder / part) for part in ("fat", "ext")}
    fat_mib = int(sizes["fat"] * 1.15 / MIB) + 64
    ext_mib = int(sizes["ext"] * 1.15 / MIB) + 64
    start_fat = 2048
    start_ext = start_fat + fat_mib * MIB // SECTOR
    with open(disk, "wb") as handle:
        handle.truncate((2 + fat_mib + ext_mib + 1) * MIB)
    end_fat, end_ext = start_ext - 1, start_ext + ext_mib * MIB // SECTOR - 1
    _run(["sgdisk", "-n", f"1:{start_fat}:{end_fat}", "-t", "1:0700",
          "-n", f"2:{start_ext}:{end_ext}", "-t", "2:8300", str(disk)])  # fmt: skip
    # FAT32 needs 65,525 clusters: below 512 MiB let mkfs.fat choose (FAT16).
    fat_type = ["-F", "32"] if fat_mib >= 512 else []
    _run(["mkfs.fat", *fat_type, "--offset", str(start_fat), str(disk), str(fat_mib * 1024)])
    _run(["mcopy", "-s", "-i", f"{disk}@@{start_fat * SECTOR}",
          str(folder / "fat" / "DCIM"), "::/"])  # fmt: skip
    _run(["mkfs.ext4", "-q", "-F", "-E", f"offset={start_ext * SECTOR}",
          "-d", str(folder / "ext"), str(disk), f"{ext_mib}M"])  # fmt: skip


def _tree_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def _run(command: list[str]) -> None:
    # mkfs.* live in /usr/sbin, outside a normal user's PATH on Debian.
    found = shutil.which(command[0], path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    if found is None:
        raise SystemExit(f"{command[0]} is missing: `make services` installs the image tools")
    subprocess.run([found, *command[1:]], check=True, capture_output=True)


def triage(source: Path, root: Path, workers: int, data_root: Path) -> dict[str, Any]:
    vigil = vigil_executable()
    with fresh_home(data_root) as home:
        env = {**os.environ, "VIGIL_HOME": str(home), "VIGIL_EVIDENCE_ROOTS": str(root)}
        _run_checked([str(vigil), "init"], env, "vigil init")
        summary_path = home / "summary.json"
        command = [str(vigil), "triage", str(source), "--case", "bench", "--workers",
                   str(workers), "--quiet", "--json-summary", str(summary_path)]  # fmt: skip
        seconds, memory, stderr = _timed_run(command, env)
        summary = _read_summary(summary_path, stderr)
    return {
        "seconds": seconds,
        "items": summary.get("items"),
        "peak_sum": memory.peak_sum,
        "peak_largest": memory.peak_largest,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="200 photos")
    parser.add_argument("--keep", type=Path, help="build (and keep) the data here")
    args = parser.parse_args(argv)
    photos = 200 if args.quick else args.photos
    work = args.keep or Path(tempfile.mkdtemp(prefix="vigil-bench-images-"))
    seizure = work / "seizure"
    folder, disk = seizure / "folder", seizure / "disk.raw"
    if not disk.exists():
        total = build_photos(folder, photos, args.workers)
        build_disk(folder, disk)
    total = _tree_bytes(folder)
    print(f"{photos:,} photos, {total / MIB:,.0f} MiB; image {disk.stat().st_size / MIB:,.0f} MiB")
    print(f"load average before: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
    try:
        from_folder = triage(folder, seizure, args.workers, work / "homes")
        from_image = triage(disk, seizure, args.workers, work / "homes")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    for name, run in (("folder (baseline)", from_folder), ("disk image", from_image)):
        rate = photos / run["seconds"]
        print(f"{name:18} {run['seconds']:8.1f} s  {rate:8.1f} photos/s  "
              f"{total / MIB / run['seconds']:7.1f} MiB/s  items {run['items']:>6}  "
              f"peak RSS sum {run['peak_sum'] / MIB:,.0f} MiB, "
              f"largest {run['peak_largest'] / MIB:,.0f} MiB")  # fmt: skip
    ratio = from_folder["seconds"] / from_image["seconds"]
    verdict = "PASS" if ratio >= TARGET_RATIO else "BELOW"
    print(f"image / folder rate: {ratio:.2f}x (target >= {TARGET_RATIO}x): {verdict}")
    print(f"load average after: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
