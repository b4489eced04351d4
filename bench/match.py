"""PDQ near-match benchmark: Vigil's multi-index-hashing index against brute force and faiss.

    .venv/bin/python bench/match.py [--sizes 1000000,10000000] [--queries 2000] [--quick]

For each list size and each distribution (uniform random hashes; clustered: families of
near-duplicates, as real lists have) it measures the index's build time and memory, queries/s
at radius 31 on one thread, and recall against a brute-force popcount scan, with the scan's
and faiss's rates (IndexBinaryFlat; IndexBinaryMultiHash 16x16 up to --multihash-max rows)
measured in the same run. Queries: half planted near-duplicates of stored hashes at distances
0-31, half random (no match), as triage is mostly misses. Brute force and faiss run on a
sample of the queries (they take 10-100 ms a query at 10M). Figures go to
bench-data/match-results.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy/faiss load their thread pools

import faiss
import numpy as np
import psutil

if __package__ in (None, ""):  # run as a script: make `vigil` importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from vigil.matching.pdq_index import PdqIndex

RADIUS = 31
TARGET_QPS = 5_000
TARGET_FLAT_RATIO = 50.0
TARGET_INDEX_BYTES = 1.5e9
TARGET_SIZE = 10_000_000  # the size the throughput and memory targets are stated for
FAMILY_SIZE = 20
RESULTS = Path(__file__).resolve().parent.parent / "bench-data" / "match-results.json"
MB = 1e6

Hits = set[tuple[int, int]]


@dataclass
class Run:
    size: int
    distribution: str
    queries: int
    sample: int  # queries checked against brute force and given to faiss
    build_s: float = 0.0
    index_bytes: int = 0
    rss_growth_bytes: int = 0  # resident memory the build added (index plus leftovers)
    substring_lengths: list[int] = field(default_factory=list)
    qps: float = 0.0
    hits: int = 0
    recall: float = 0.0
    false_hits: int = 0
    brute_qps: float = 0.0
    flat_qps: float = 0.0
    flat_recall: float = 0.0
    multihash_qps: float | None = None
    multihash_recall: float | None = None
    multihash_build_s: float | None = None
    verdicts: dict[str, str] = field(default_factory=dict)


# --- data ---


def uniform_codes(rng: np.random.Generator, size: int) -> np.ndarray:
    return rng.integers(0, 256, (size, 32), dtype=np.uint8)


def clustered_codes(rng: np.random.Generator, size: int) -> np.ndarray:
    """Families of FAMILY_SIZE: a centre and edits of it. Each member flips each bit with
    probability 1/8, 1/16 or 1/32 (AND of 3-5 random bytes): about 32, 16 or 8 bits."""
    centres = uniform_codes(rng, -(-size // FAMILY_SIZE))
    codes = np.repeat(centres, FAMILY_SIZE, axis=0)[:size]
    chunk = 1_000_000
    for start in range(0, size, chunk):
        block = codes[start : start + chunk]
        mask = uniform_codes(rng, len(block)) & uniform_codes(rng, len(block))
        mask &= uniform_codes(rng, len(block))
        depth = rng.integers(3, 6, len(block))[:, None]
        mask &= np.where(depth >= 4, uniform_codes(rng, len(block)), 255).astype(np.uint8)
        mask &= np.where(depth >= 5, uniform_codes(rng, len(block)), 255).astype(np.uint8)
        is_centre = (np.arange(start, start + len(block)) % FAMILY_SIZE == 0)[:, None]
        block ^= np.where(is_centre, 0, mask).astype(np.uint8)
    return codes


def make_queries(rng: np.random.Generator, codes: np.ndarray, count: int) -> np.ndarray:
    """Half planted near-duplicates at exact distances 0..31 from stored codes, half random."""
    planted = count // 2
    bits = np.unpackbits(codes[rng.integers(0, len(codes), planted)], axis=1)
    for row, distance in enumerate(rng.integers(0, RADIUS + 1, planted)):
        bits[row, rng.choice(256, distance, replace=False)] ^= 1
    queries = np.concatenate([np.packbits(bits, axis=1), uniform_codes(rng, count - planted)])
    return queries[rng.permutation(count)]


# --- the searchers ---


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def brute_force(columns: np.ndarray, queries: np.ndarray) -> Hits:
    """Full popcount scan over column-major uint64 words (4, N)."""
    hits: Hits = set()
    words = queries.view(">u8").astype(np.uint64)
    for row, query in enumerate(words):
        distance = np.bitwise_count(columns[0] ^ query[0])
        for column in range(1, 4):
            distance += np.bitwise_count(columns[column] ^ query[column])
        hits.update((row, int(stored)) for stored in np.flatnonzero(distance <= RADIUS))
    return hits


def faiss_hits(index: Any, queries: np.ndarray) -> Hits:
    # faiss's binary range search returns distances strictly below the radius.
    limits, _, labels = index.range_search(queries, RADIUS + 1)
    return {
        (row, int(label))
        for row in range(len(queries))
        for label in labels[limits[row] : limits[row + 1]]
    }


def recall(found: Hits, truth: Hits) -> float:
    return len(found & truth) / len(truth) if truth else 1.0


# --- one run ---


def measure(run: Run, codes: np.ndarray, queries: np.ndarray, multihash: bool) -> None:
    sample = queries[: run.sample]
    found = measure_index(run, codes, queries)
    gc.collect()
    truth = measure_brute_force(run, codes, sample)
    run.recall, run.false_hits = recall(found, truth), len(found - truth)
    measure_flat(run, codes, sample, truth)
    if multihash:
        measure_multihash(run, codes, sample, truth)
    run.verdicts = verdicts(run)


def measure_index(run: Run, codes: np.ndarray, queries: np.ndarray) -> Hits:
    """Builds and searches Vigil's index; the hits of the sampled queries."""
    ids = np.arange(len(codes), dtype=np.int64)  # ids = rows, so hits compare directly
    rss_before = psutil.Process().memory_info().rss
    index, run.build_s = timed(lambda: PdqIndex.build(codes, ids))
    run.rss_growth_bytes = psutil.Process().memory_info().rss - rss_before
    run.index_bytes = index.nbytes
    run.substring_lengths = list(index.substring_lengths)
    index.search(queries[:64], RADIUS)  # warm the tables' pages
    hits, elapsed = timed(lambda: index.search(queries, RADIUS))
    run.qps, run.hits = len(queries) / elapsed, len(hits)
    return {(row, stored) for row, stored, _ in hits if row < run.sample}


def measure_brute_force(run: Run, codes: np.ndarray, sample: np.ndarray) -> Hits:
    columns = np.ascontiguousarray(codes.view(">u8").astype(np.uint64).T)
    truth, elapsed = timed(lambda: brute_force(columns, sample))
    run.brute_qps = run.sample / elapsed
    return truth


def measure_flat(run: Run, codes: np.ndarray, sample: np.ndarray, truth: Hits) -> None:
    flat = faiss.IndexBinaryFlat(256)
    flat.add(codes)
    found, elapsed = timed(lambda: faiss_hits(flat, sample))
    run.flat_qps, run.flat_recall = run.sample / elapsed, recall(found, truth)


def measure_multihash(run: Run, codes: np.ndarray, sample: np.ndarray, truth: Hits) -> None:
    """Meta's Hasher-Matcher-Actioner default: 16 hash tables of 16 bits, 1 flip per table."""
    index = faiss.IndexBinaryMultiHash(256, 16, 16)
    index.nflip = 1  # 16 tables x (1 + 1) > 31: exact by the pigeonhole bound
    _, run.multihash_build_s = timed(lambda: index.add(codes))
    found, elapsed = timed(lambda: faiss_hits(index, sample))
    run.multihash_qps, run.multihash_recall = run.sample / elapsed, recall(found, truth)


def verdicts(run: Run) -> dict[str, str]:
    def verdict(ok: bool) -> str:
        return "PASS" if ok else "BELOW"

    result = {"recall 1.0": verdict(run.recall == 1.0 and run.false_hits == 0)}
    if run.size >= TARGET_SIZE:
        result[f">= {TARGET_QPS} q/s"] = verdict(run.qps >= TARGET_QPS)
        result[f">= {TARGET_FLAT_RATIO:.0f}x faiss flat"] = verdict(
            run.qps >= TARGET_FLAT_RATIO * run.flat_qps
        )
        result["index <= 1.5 GB"] = verdict(run.index_bytes <= TARGET_INDEX_BYTES)
    return result


# --- report ---


def report(run: Run) -> None:
    print(f"\n== {run.size:,} hashes, {run.distribution} ==", flush=True)
    print(f"  substrings        {len(run.substring_lengths)} of {run.substring_lengths} bits")
    print(f"  build             {run.build_s:.1f} s")
    print(
        f"  index memory      {run.index_bytes / MB:.0f} MB of arrays "
        f"(RSS grew {run.rss_growth_bytes / MB:.0f} MB during the build)"
    )
    print(f"  vigil index       {run.qps:,.0f} q/s ({run.queries} queries, {run.hits} hits)")
    print(f"  recall            {run.recall:.4f} on {run.sample} queries, {run.false_hits} false")
    print(
        f"  brute-force numpy {run.brute_qps:,.1f} q/s  -> index is {run.qps / run.brute_qps:,.0f}x"
    )
    print(
        f"  faiss flat        {run.flat_qps:,.1f} q/s  -> index is {run.qps / run.flat_qps:,.0f}x"
        f" (faiss recall {run.flat_recall:.4f})"
    )
    if run.multihash_qps is not None:
        print(
            f"  faiss multihash   {run.multihash_qps:,.1f} q/s  -> index is "
            f"{run.qps / run.multihash_qps:,.0f}x (recall {run.multihash_recall:.4f}, "
            f"build {run.multihash_build_s:.1f} s)"
        )
    else:
        print("  faiss multihash   skipped at this size (--multihash-max)")
    for target, verdict in run.verdicts.items():
        print(f"  {verdict:5s} {target}")


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "faiss": faiss.__version__,
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "memory_bytes": psutil.virtual_memory().total,
        "load_average": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--sample", type=int, default=0, help="brute-force/faiss queries (0: auto)")
    parser.add_argument("--multihash-max", type=int, default=1_000_000)
    parser.add_argument("--distributions", default="uniform,clustered")
    parser.add_argument("--quick", action="store_true", help="100k hashes, 500 queries")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    sizes = [100_000] if args.quick else [int(float(s)) for s in args.sizes.split(",")]
    query_count = 500 if args.quick else args.queries
    faiss.omp_set_num_threads(1)  # one core for every searcher
    print("Import time of a 10M-row list: skipped here (the hash-list import benchmark owns it).")
    runs: list[Run] = []
    for size in sizes:
        for distribution in args.distributions.split(","):
            rng = np.random.default_rng([size, len(distribution)])
            generate = uniform_codes if distribution == "uniform" else clustered_codes
            codes = generate(rng, size)
            queries = make_queries(rng, codes, query_count)
            # brute force and faiss flat cost ~N per query: sample to keep a run in minutes
            sample = args.sample or min(query_count, max(100, int(2e8 // size)))
            run = Run(size, distribution, query_count, sample)
            measure(run, codes, queries, size <= args.multihash_max)
            report(run)
            runs.append(run)
            del codes, queries
            gc.collect()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"\nprocess peak RSS {peak / MB:,.0f} MB")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    results = {
        "machine": machine(),
        "radius": RADIUS,
        "peak_rss_bytes": peak,
        "import_10m": "skipped: measured by the hash-list import benchmark",
        "runs": [asdict(run) for run in runs],
    }
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"figures written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
