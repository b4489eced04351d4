"""Ingest benchmark: `vigil triage` against the floor, measured in the same run.

The floor is the least work any ingest must do per file: read it once computing MD5, SHA-1 and
SHA-256, and decode it at the reduced size PDQ and the thumbnail need (libjpeg draft mode for
JPEG, then a resize to at most 512 px). It runs in a pool of --workers processes; the ingest is
the real `vigil triage` in a subprocess with a fresh instance folder. The ratio of their rates
is the figure to watch (target >= 0.8 on 2 workers): absolute rates swing with the machine.

    .venv/bin/python bench/ingest.py [--workers 2] [--scale 1.0] [--scales 0.25,0.5,1.0]
                                     [--quick] [--floor-only]

Peak RSS is sampled every 0.1 s over the whole process tree: the peak of the sum (which counts
pages shared after fork once per process, so it overstates) and the peak of the largest process.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import psutil
from PIL import Image

if __package__ in (None, ""):  # run as a script: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import (
    DEFAULT_ROOT,
    Corpus,
    build_corpus,
    corpus_dir,
    scaled_counts,
)

TARGET_RATIO = 0.8
REDUCED_SIDE = 512  # what vigil.media.image decodes to for PDQ and the thumbnail
SAMPLE_INTERVAL_S = 0.1
KIND_LABELS = {"12mp": "12 MP JPEG", "1080p": "1080p JPEG", "png": "PNG"}
MB = 1e6
MIB = 1024 * 1024


@dataclass
class Measurement:
    label: str
    files: int
    bytes: int
    seconds: float
    peak_rss_sum: int = 0
    peak_rss_largest: int = 0
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def files_per_s(self) -> float:
        return self.files / self.seconds if self.seconds else 0.0

    @property
    def mb_per_s(self) -> float:
        return self.bytes / MB / self.seconds if self.seconds else 0.0


@dataclass
class ScaleResult:
    scale: float
    corpus: dict[str, Any]
    floor: list[Measurement]
    ingest: Measurement | None
    ratio: float | None
    error: str | None = None


# -- peak memory of a process tree -----------------------------------------------------------
class TreeMemorySampler:
    """Samples the RSS of a process and all its descendants on a background thread."""

    def __init__(self, pid: int, interval: float = SAMPLE_INTERVAL_S) -> None:
        self._root = psutil.Process(pid)
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.peak_sum = 0
        self.peak_largest = 0

    def __enter__(self) -> TreeMemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self._interval):
                return

    def sample(self) -> None:
        sizes = [_rss(p) for p in self._tree()]
        self.peak_sum = max(self.peak_sum, sum(sizes))
        self.peak_largest = max(self.peak_largest, max(sizes, default=0))

    def _tree(self) -> list[psutil.Process]:
        try:
            return [self._root, *self._root.children(recursive=True)]
        except psutil.Error:  # the root has exited
            return []


def _rss(process: psutil.Process) -> int:
    try:
        return int(process.memory_info().rss)
    except psutil.Error:  # exited between listing and reading
        return 0


# -- the floor ---------------------------------------------------------------------------------
def floor_one(path: Path) -> int:
    """One read, three digests, a reduced decode: what every ingest must do for an image."""
    data = path.read_bytes()
    for algorithm in (hashlib.md5, hashlib.sha1, hashlib.sha256):
        algorithm(data).digest()
    with Image.open(io.BytesIO(data)) as img:
        target = _fit_within(img.width, img.height, REDUCED_SIDE)
        if img.format == "JPEG":
            img.draft("RGB", target)  # libjpeg scales by 1/2..1/8 while decoding
        rgb = img.convert("RGB")
        if rgb.size != target:
            rgb = rgb.resize(target, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return len(data)


def _fit_within(width: int, height: int, side: int) -> tuple[int, int]:
    scale = min(1.0, side / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def measure_floor(corpus: Corpus, workers: int) -> list[Measurement]:
    """The floor per kind of file, then all kinds together (the sum of their times)."""
    results = []
    with Pool(workers) as pool, TreeMemorySampler(os.getpid()) as memory:
        pool.map(_noop, range(workers))  # the pool's start-up is not per-file work
        for kind, label in KIND_LABELS.items():
            paths = corpus.paths(kind)
            if not paths:
                continue
            started = time.perf_counter()
            read = sum(pool.imap_unordered(floor_one, paths, chunksize=4))
            seconds = time.perf_counter() - started
            results.append(Measurement(f"floor {label}", len(paths), read, seconds))
    total = Measurement(
        "floor (all)",
        sum(m.files for m in results),
        sum(m.bytes for m in results),
        sum(m.seconds for m in results),
        memory.peak_sum,
        memory.peak_largest,
    )
    return [*results, total]


def _noop(_: int) -> None:
    return None


# -- the real ingest ---------------------------------------------------------------------------
class IngestError(RuntimeError):
    """The vigil CLI is missing or a run failed; the message says which and why."""


def vigil_executable() -> Path:
    candidate = Path(sys.executable).with_name("vigil")
    if not candidate.exists():
        raise IngestError(
            f"the vigil command is not installed at {candidate}: run `make setup` "
            "(pip install -e '.[dev]') first"
        )
    return candidate


def measure_ingest(corpus: Corpus, workers: int, data_root: Path) -> Measurement:
    vigil = vigil_executable()
    files = len(corpus.files)
    with fresh_home(data_root) as home:
        env = {**os.environ, "VIGIL_HOME": str(home), "VIGIL_EVIDENCE_ROOTS": str(corpus.images)}
        _run_checked([str(vigil), "init"], env, "vigil init")
        summary_path = home / "summary.json"
        command = [
            str(vigil), "triage", str(corpus.images), "--case", f"bench-{files}",
            "--workers", str(workers), "--quiet", "--json-summary", str(summary_path),
        ]  # fmt: skip
        seconds, memory, stderr = _timed_run(command, env)
        summary = _read_summary(summary_path, stderr)
    measurement = Measurement(
        "ingest (vigil triage)",
        files,
        corpus.total_bytes,
        seconds,
        memory.peak_sum,
        memory.peak_largest,
    )
    measurement.notes = _check_summary(summary, files)
    return measurement


@contextmanager
def fresh_home(data_root: Path, prefix: str = "vigil-home-") -> Iterator[Path]:
    """An empty instance folder under `data_root`, deleted afterwards (read-only copies too)."""
    data_root.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix=prefix, dir=data_root))
    try:
        yield home
    finally:
        if sys.version_info >= (3, 12):
            shutil.rmtree(home, onexc=_make_writable_and_retry)
        else:
            shutil.rmtree(home, onerror=_make_writable_and_retry)


def _make_writable_and_retry(function: Callable[..., Any], path: str, _: object) -> None:
    """The evidence store's copies are read-only: as a normal user, deleting one from a folder
    that was made read-only too needs write permission back first."""
    os.chmod(os.path.dirname(path), 0o700)
    if os.path.isdir(path) and not os.path.islink(path):
        os.chmod(path, 0o700)
    function(path)


def _run_checked(command: Sequence[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise IngestError(f"{what} failed (exit {done.returncode}): {_tail(done.stderr)}")


def _timed_run(command: Sequence[str], env: dict[str, str]) -> tuple[float, TreeMemorySampler, str]:
    """Runs `command`, timing its wall clock and sampling its process tree's memory."""
    with tempfile.TemporaryFile("w+") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        with TreeMemorySampler(process.pid) as memory:
            returncode = process.wait()
        seconds = time.perf_counter() - started
        stderr.seek(0)
        errors = stderr.read()
    if returncode != 0:
        raise IngestError(f"vigil triage failed (exit {returncode}): {_tail(errors)}")
    return seconds, memory, errors


def _read_summary(path: Path, stderr: str) -> dict[str, Any]:
    try:
        summary = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise IngestError(f"no usable --json-summary ({error}): {_tail(stderr)}") from None
    if not isinstance(summary, dict):
        raise IngestError(f"the --json-summary is not an object: {str(summary)[:200]}")
    return summary


def _check_summary(summary: dict[str, Any], files: int) -> dict[str, Any]:
    """The counts the run reported, and a warning when they do not cover the corpus."""
    sources = summary.get("sources") or [{}]
    source = sources[0]
    notes: dict[str, Any] = {
        "items": summary.get("items"),
        "processed": source.get("processed"),
        "failed": source.get("failed"),
        "internal_seconds": (summary.get("run") or {}).get("seconds"),
    }
    if summary.get("items") != files or source.get("failed"):
        notes["warning"] = (
            f"expected {files} items and none failed; got {summary.get('items')} items, "
            f"{source.get('failed')} failed"
        )
    return notes


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:]) or "(no output)"


# -- running and reporting ---------------------------------------------------------------------
def prepare_corpora(scales: Sequence[float], quick: bool, root: Path, seed: int) -> list[Corpus]:
    """Builds the largest corpus first so the smaller ones hard-link its files."""
    built: dict[float, Corpus] = {}
    for scale in sorted(scales, reverse=True):
        dest = corpus_dir(root, scale, quick)
        donors = [c.root for c in built.values()] + [corpus_dir(root, 1.0, quick)]
        counts = scaled_counts(scale, quick)
        built[scale] = build_corpus(dest, *counts, seed=seed, reuse_from=donors)
    return [built[s] for s in scales]


def warm_page_cache(corpus: Corpus) -> None:
    """Reads every file once so neither measurement pays for the disk and the first one does
    not warm the cache for the second."""
    for path in corpus.paths():
        with path.open("rb") as file:
            while file.read(8 * MIB):
                pass


def run_scale(
    scale: float, corpus: Corpus, workers: int, data_root: Path, floor_only: bool
) -> ScaleResult:
    warm_page_cache(corpus)
    floor = measure_floor(corpus, workers)
    description = {
        "path": str(corpus.images),
        "files": len(corpus.files),
        "bytes": corpus.total_bytes,
        "counts": corpus.counts,
    }
    result = ScaleResult(scale, description, floor, None, None)
    if floor_only:
        return result
    try:
        result.ingest = measure_ingest(corpus, workers, data_root)
    except IngestError as error:
        result.error = str(error)
        return result
    result.ratio = result.ingest.files_per_s / floor[-1].files_per_s
    return result


def print_result(result: ScaleResult, workers: int) -> None:
    counts = ", ".join(f"{n:,} {KIND_LABELS[k]}" for k, n in result.corpus["counts"].items())
    print(
        f"\nScale {result.scale:g}: {result.corpus['files']:,} files, "
        f"{result.corpus['bytes'] / MB:,.0f} MB ({counts}), {workers} worker(s)"
    )
    header = f"{'':24}{'files':>7}{'MB':>9}{'seconds':>9}{'files/s':>9}{'MB/s':>8}"
    print(header + f"{'peak RSS sum':>14}{'largest':>10}")
    rows = [*result.floor, *([result.ingest] if result.ingest else [])]
    for m in rows:
        memory = (
            f"{m.peak_rss_sum / MIB:>10,.0f} MiB{m.peak_rss_largest / MIB:>6,.0f} MiB"
            if m.peak_rss_sum
            else ""
        )
        print(
            f"{m.label:<24}{m.files:>7,}{m.bytes / MB:>9,.0f}{m.seconds:>9.1f}"
            f"{m.files_per_s:>9.1f}{m.mb_per_s:>8.1f}{memory}"
        )
    if result.ingest:
        internal = result.ingest.notes.get("internal_seconds")
        if internal:
            print(f"(vigil's own timing, without its start-up: {internal:.1f} s)")
        if result.ingest.notes.get("warning"):
            print(f"WARNING: {result.ingest.notes['warning']}")
    if result.error:
        print(f"ingest not measured: {result.error}")
    if result.ratio is not None:
        verdict = "PASS" if result.ratio >= TARGET_RATIO else "BELOW"
        print(f"ratio ingest/floor: {result.ratio:.2f} (target >= {TARGET_RATIO}) {verdict}")


def print_memory_by_scale(results: Sequence[ScaleResult]) -> None:
    measured = [r for r in results if r.ingest]
    if len(measured) < 2:
        return
    print("\nIngest peak RSS by corpus size (flat is the target):")
    for r in measured:
        assert r.ingest is not None
        print(
            f"  scale {r.scale:<5g} {r.corpus['files']:>6,} files  "
            f"sum {r.ingest.peak_rss_sum / MIB:>7,.0f} MiB  "
            f"largest {r.ingest.peak_rss_largest / MIB:>6,.0f} MiB"
        )
    first, last = measured[0].ingest, measured[-1].ingest
    assert first is not None and last is not None
    print(f"  growth of the sum, last/first: {last.peak_rss_sum / first.peak_rss_sum:.2f}x")


def write_results(path: Path, results: Sequence[ScaleResult], workers: int) -> None:
    def measurement(m: Measurement) -> dict[str, Any]:
        return {**asdict(m), "files_per_s": m.files_per_s, "mb_per_s": m.mb_per_s}

    document = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_bytes": psutil.virtual_memory().total,
            "python": platform.python_version(),
            "pillow": Image.__version__,
        },
        "workers": workers,
        "target_ratio": TARGET_RATIO,
        "scales": [
            {
                "scale": r.scale,
                "corpus": r.corpus,
                "floor": [measurement(m) for m in r.floor],
                "ingest": measurement(r.ingest) if r.ingest else None,
                "ratio": r.ratio,
                "pass": None if r.ratio is None else r.ratio >= TARGET_RATIO,
                "error": r.error,
            }
            for r in results
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the corpus")
    parser.add_argument("--scales", help="comma-separated scales, e.g. 0.25,0.5,1.0")
    parser.add_argument("--quick", action="store_true", help="tiny corpus (40+40+10) smoke run")
    parser.add_argument("--floor-only", action="store_true", help="skip the vigil ingest")
    parser.add_argument("--data", type=Path, default=DEFAULT_ROOT, help="corpora and results")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    args.scale_list = (
        [float(s) for s in args.scales.split(",") if s.strip()] if args.scales else [args.scale]
    )
    if args.workers < 1 or any(s <= 0 for s in args.scale_list):
        parser.error("--workers and scales must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    corpora = prepare_corpora(args.scale_list, args.quick, args.data, args.seed)
    results = []
    for scale, corpus in zip(args.scale_list, corpora, strict=True):
        result = run_scale(scale, corpus, args.workers, args.data, args.floor_only)
        print_result(result, args.workers)
        results.append(result)
    print_memory_by_scale(results)
    out = args.data / "ingest-results.json"
    write_results(out, results, args.workers)
    print(f"\nFigures written to {out}")
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
