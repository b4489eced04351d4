"""Generated hash lists for matching tests: random hashes around the few that must match."""

from __future__ import annotations

import csv
import random
import sqlite3
from collections.abc import Iterable
from pathlib import Path


def random_hex(rng: random.Random, length: int) -> str:
    return f"{rng.getrandbits(length * 4):0{length}x}"


def flip_bits(hex_hash: str, bits: Iterable[int]) -> str:
    value = int(hex_hash, 16)
    for bit in bits:
        value ^= 1 << bit
    return f"{value:0{len(hex_hash)}x}"


def write_csv(path: Path, rows: list[dict[str, str]], *, noise: int = 50, seed: int = 7) -> Path:
    """The given rows among `noise` random ones (md5, sha1, sha256, pdq, category)."""
    rng = random.Random(seed)
    columns = ["md5", "sha1", "sha256", "pdq", "category", "series"]
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for _ in range(noise):
            writer.writerow(
                {
                    "md5": random_hex(rng, 32),
                    "sha1": random_hex(rng, 40),
                    "sha256": random_hex(rng, 64),
                    "pdq": random_hex(rng, 64),
                    "category": str(rng.randrange(5)),
                }
            )
        for row in rows:
            writer.writerow(row)
    return path


def write_rds(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    """An NSRL RDS v3-shaped SQLite: a FILE view with upper-case (sha256, sha1, md5, name)."""
    db = sqlite3.connect(path)
    with db:
        db.execute(
            "CREATE TABLE FILE_TABLE (sha256 TEXT, sha1 TEXT, md5 TEXT, file_name TEXT,"
            " file_size INTEGER, package_id INTEGER)"
        )
        db.executemany(
            "INSERT INTO FILE_TABLE VALUES (?, ?, ?, ?, 0, 1)",
            [(a.upper(), b.upper(), c.upper(), name) for a, b, c, name in rows],
        )
        db.execute("CREATE VIEW FILE AS SELECT * FROM FILE_TABLE")
    db.close()
    return path
