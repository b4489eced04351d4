"""Hash-list import speed: rows/s and peak memory of `vigil hashlist import` on a generated CSV.

Baseline, measured in the same run: reading and checking the same file without the database
(vigil's own CSV reader), so the ratio shows what the database writes cost.

    .venv/bin/python bench/hashlist_import.py --rows 1000000 [--database-url postgresql://...]

The list is a CSV of random MD5, SHA-1, SHA-256 and PDQ with a category, as agency lists are;
it is cached under bench-data/ (10M rows are ~2.4 GB).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path("bench-data")


def build_csv(rows: int, seed: int = 11) -> Path:
    path = ROOT / f"hashlist-{rows}.csv"
    if path.exists():
        return path
    ROOT.mkdir(exist_ok=True)
    rng = random.Random(seed)
    partial = path.with_suffix(".partial")
    with open(partial, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["md5", "sha1", "sha256", "pdq", "category"])
        for _ in range(rows):
            writer.writerow(
                [
                    f"{rng.getrandbits(128):032x}",
                    f"{rng.getrandbits(160):040x}",
                    f"{rng.getrandbits(256):064x}",
                    f"{rng.getrandbits(256):064x}",
                    rng.choice("01234"),
                ]
            )
    partial.rename(path)
    return path


def parse_only(path: Path) -> float:
    from vigil.matching.formats.csv_list import read_csv
    from vigil.matching.formats.entry import Problems

    started = time.perf_counter()
    _, entries = read_csv(path, Problems())
    count = sum(1 for _ in entries)
    return count / (time.perf_counter() - started)


def import_with_vigil(path: Path, rows: int, database_url: str) -> dict[str, float]:
    home = Path(tempfile.mkdtemp(prefix="vigil-bench-import-"))
    env = {**os.environ, "VIGIL_HOME": str(home)}
    env.pop("VIGIL_DATABASE_URL", None)
    if database_url:
        env["VIGIL_DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "vigil.cli.main"]
    subprocess.run([*command, "init"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    process = psutil.Popen(
        [*command, "hashlist", "import", str(path), "--name", "bench", "--quiet"], env=env
    )
    peak = 0
    while process.poll() is None:
        try:
            peak = max(peak, process.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    if process.returncode:
        raise SystemExit(f"the import failed with exit status {process.returncode}")
    return {"seconds": seconds, "rows_per_s": rows / seconds, "peak_rss_mb": peak / 2**20}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="", help="PostgreSQL; default SQLite")
    args = parser.parse_args()
    path = build_csv(args.rows)
    baseline = parse_only(path)
    result = import_with_vigil(path, args.rows, args.database_url)
    report = {
        "rows": args.rows,
        "database": "postgresql" if args.database_url else "sqlite",
        "parse_only_rows_per_s": round(baseline),
        "import_rows_per_s": round(result["rows_per_s"]),
        "import_seconds": round(result["seconds"], 1),
        "ratio_to_parse_only": round(result["rows_per_s"] / baseline, 3),
        "peak_rss_mb": round(result["peak_rss_mb"]),
        "load_average": [round(load, 1) for load in os.getloadavg()],
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
