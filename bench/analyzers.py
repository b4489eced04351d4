"""Analyzer speed: items/s on one core and peak memory of every registered analyzer.

Baseline, measured in the same run: decoding the same files without analysing them (Pillow
for images, PyAV for every frame of a video or every audio frame), so the ratio says how many
times the analysis costs a plain decode. Each measurement runs in a process of its own, with
one thread for the numeric libraries, so each peak RSS is its own.

    .venv/bin/python bench/analyzers.py [--images 20] [--only face_recognition,...] [--json]

An analyzer whose package or model is missing is listed as "needs ..." with the sentence it
gives (`vigil models import ...` for the model-store analyzers). The generated data (photos
1600x1200 with a few shapes, a 6 s 640x360 video with two scenes, 6 s of audio) is cached
under bench-data/analyzers/.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path("bench-data/analyzers")
FAMILIES = ("image", "video", "audio")
ONE_THREAD = {
    name: "1"
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "ORT_NUM_THREADS")
}


# -- data ------------------------------------------------------------------------------------


def build_data(images: int, seed: int = 3) -> dict[str, list[Path]]:
    folder = ROOT / f"set-{images}"
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "image": [
            _photo(folder / f"photo-{index:03d}.jpg", seed + index) for index in range(images)
        ],
        "video": [_video(folder / "two-scenes.mp4")],
        "audio": [_audio(folder / "tone.wav")],
    }


def _photo(path: Path, seed: int) -> Path:
    if path.exists():
        return path
    import numpy as np
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    gradient = np.linspace(0, 255, 1600, dtype=np.float32)[None, :, None]
    pixels = (gradient * rng.uniform(0.3, 1.0, size=(1, 1, 3))).repeat(1200, axis=0)
    pixels += rng.normal(scale=12, size=pixels.shape)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype("uint8"), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = (int(v) for v in rng.integers(0, 1400, size=2))
        colour = tuple(int(v) for v in rng.integers(0, 255, size=3))
        draw.ellipse((x, y % 1000, x + 200, y % 1000 + 200), fill=colour)
    draw.text((100, 1100), "Bench photo: no person, some text 0123456789", fill=(0, 0, 0))
    image.save(path, quality=90)
    return path


def _video(path: Path) -> Path:
    if path.exists():
        return path
    import av
    import numpy as np

    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 640, 360, "yuv420p"
        for index in range(150):
            base = 60 if index < 75 else 190  # a cut at 3 s
            frame = np.full((360, 640, 3), base, dtype=np.uint8)
            frame[100:160, (index * 4) % 580 : (index * 4) % 580 + 60] = 255 - base
            container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        container.mux(stream.encode(None))
    return path


def _audio(path: Path) -> Path:
    if path.exists():
        return path
    import wave

    import numpy as np

    rate = 16_000
    times = np.arange(rate * 6) / rate
    samples = (np.sin(2 * np.pi * 440 * times) * 8000).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return path


# -- one measurement, in a child process -----------------------------------------------------


def measure_child(name: str, family: str, files: list[Path]) -> dict[str, Any]:
    """Runs in its own process: `name` is an analyzer or "decode" (the baseline)."""
    import psutil

    run = _decoder(family) if name == "decode" else _runner(name, family)
    start_rss = psutil.Process().memory_info().rss
    run(files[0])  # warm-up: loads models and caches, counted in memory, not in speed
    started, cpu_started = time.perf_counter(), time.process_time()
    rounds = 0
    while True:  # at least one pass, and at least two seconds of work
        for path in files:
            run(path)
        rounds += 1
        if time.perf_counter() - started > 2.0:
            break
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = _peak_rss()
    items = rounds * len(files)
    return {
        "items_per_s": items / elapsed,
        "cpu_share": cpu / elapsed,  # > 1 would mean more than one core was used
        "peak_rss_mb": peak / 2**20,
        "rss_delta_mb": max(peak - start_rss, 0) / 2**20,
    }


def _peak_rss() -> int:
    """This process's high-water RSS in bytes. Linux's ru_maxrss keeps the parent's peak
    across fork and exec; VmHWM belongs to this process's own memory."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # pragma: no cover


def _decoder(family: str) -> Any:
    if family == "image":
        from PIL import Image

        def decode_image(path: Path) -> None:
            with Image.open(path) as img:
                img.convert("RGB")

        return decode_image
    import av

    def decode_stream(path: Path) -> None:
        with av.open(str(path)) as container:
            stream = container.streams.video[0] if family == "video" else container.streams.audio[0]
            stream.thread_count = 1
            for _ in container.decode(stream):
                pass

    return decode_stream


def _runner(name: str, family: str) -> Any:
    from vigil.analyzers.context import AnalyzerContext
    from vigil.analyzers.registry import default_registry

    analyzer = default_registry().get(name)()
    suffixes = {"image": "jpeg", "video": "mp4", "audio": "wav"}

    def analyse(path: Path) -> None:
        ctx = AnalyzerContext(
            sha256="0" * 64,
            family=family,
            type_label=suffixes[family],
            name=path.name,
            path=path,
        )
        analyzer.analyze(ctx)
        errors = [issue for issue in ctx.output.issues if issue.severity == "error"]
        if errors:
            raise RuntimeError(f"{name} failed on the bench data: {errors[0].message}")

    return analyse


# -- the parent ------------------------------------------------------------------------------


def _in_child(name: str, family: str, files: list[Path]) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", name, "--family", family]
    command += [str(path) for path in files]
    done = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **ONE_THREAD}, timeout=1800
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        return {"error": last[:200]}
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=20)
    parser.add_argument("--only", default="", help="comma-separated analyzer names")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child")
    parser.add_argument("--family")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_child(args.child, args.family, [Path(f) for f in args.files])))
        return

    from vigil.analyzers.registry import default_registry

    data = build_data(args.images)
    wanted = {name for name in args.only.split(",") if name}
    baselines = {family: _in_child("decode", family, data[family]) for family in FAMILIES}
    rows: list[dict[str, Any]] = []
    for analyzer in default_registry():
        if wanted and analyzer.name not in wanted:
            continue
        families = [f for f in FAMILIES if f in analyzer.accepted_families()] or ["image"]
        missing = analyzer.missing_dependency()
        for family in families[:2]:  # image + video for per-keyframe analyzers
            row: dict[str, Any] = {"analyzer": analyzer.name, "family": family}
            if missing:
                row["needs"] = missing
            else:
                row |= _in_child(analyzer.name, family, data[family])
                base = baselines[family].get("items_per_s")
                if "items_per_s" in row and base:
                    row["times_decode"] = base / row["items_per_s"]
            rows.append(row)
    if args.json:
        print(json.dumps({"baselines": baselines, "analyzers": rows}, indent=2))
        return
    _print(baselines, rows, args.images)


def _print(baselines: dict[str, Any], rows: list[dict[str, Any]], images: int) -> None:
    print(f"Data: {images} photos 1600x1200, one 6 s 640x360 video (2 scenes), 6 s of audio.")
    for family, base in baselines.items():
        rate = base.get("items_per_s")
        shown = f"{rate:.2f} items/s, peak RSS {base['peak_rss_mb']:.0f} MB" if rate else base
        print(f"Baseline, decode only ({family}): {shown}")
    print()
    header = f"{'analyzer':<22}{'input':<7}{'items/s/core':>13}{'x decode':>10}"
    print(header + f"{'peak RSS MB':>13}{'RSS delta MB':>14}")
    for row in rows:
        lead = f"{row['analyzer']:<22}{row['family']:<7}"
        if "needs" in row:
            print(f"{lead}needs: {row['needs']}")
        elif "error" in row:
            print(f"{lead}error: {row['error']}")
        else:
            print(
                f"{lead}{row['items_per_s']:>13.2f}{row.get('times_decode', 0):>10.1f}"
                f"{row['peak_rss_mb']:>13.0f}{row['rss_delta_mb']:>14.0f}"
            )


if __name__ == "__main__":
    main()
