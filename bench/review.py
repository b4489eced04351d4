"""Review grid benchmark: the real grid view on a case of 1M synthetic items.

    .venv/bin/python bench/review.py [--items 1000000] [--repeats 30] [--home DIR]

Builds (once; reused with --home) a case of --items items spread over 10,000 contents
(bulk_create in batches, no files: thumbnails are not fetched), with the review statuses of a
real seizure (90% unknown, 5% near, 4% known illicit, 1% known good, interleaved). Then it
signs a reviewer in through the real pages and times the grid page (Django's test Client:
URL routing, middleware, access checks, the query, the template and the audit entry each
view writes) at the first page and deep into the case via keyset cursors, with and without
filters. As a baseline, the same page is fetched with OFFSET at the same depth (the query
alone, without the view around it). Target: p95 < 150 ms. Figures go to
bench-data/review-results.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `vigil` and `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_P95_MS = 150.0
CONTENTS = 10_000
BATCH = 20_000
CASE = "bench-review"
RESULTS = Path(__file__).resolve().parent.parent / "bench-data" / "review-results.json"
STATUS_MIX = [("unknown", 90), ("near", 5), ("known_illicit", 4), ("known_good", 1)]


def build(items: int) -> float:
    from vigil.records.cases.models import Blob, Case, Item, Source

    if Case.objects.filter(name=CASE).exists():
        return 0.0
    started = time.perf_counter()
    case = Case.objects.create(name=CASE)
    source = Source.objects.create(
        case=case, path="/bench/seizure", kind="folder", status=Source.Status.COMPLETE
    )
    families = ["image"] * 8 + ["video", "document"]
    blobs = []
    for n in range(CONTENTS):
        digest = hashlib.sha256(f"content {n}".encode()).hexdigest()
        blobs.append(
            Blob(
                sha256=digest,
                md5=digest[:32],
                sha1=digest[:40],
                size=1000 + n,
                analyzed=True,
                type_label="jpeg",
                mime="image/jpeg",
                family=families[n % len(families)],
                thumbnails=1,
                media={"exif": {"datetime_original": f"2024-{n % 12 + 1:02d}-01T12:00:00Z"}},
            )
        )
    Blob.objects.bulk_create(blobs, batch_size=BATCH, ignore_conflicts=True)
    rng = random.Random(7)
    statuses = [status for status, weight in STATUS_MIX for _ in range(weight)]
    digests = [blob.sha256 for blob in blobs]
    for start in range(0, items, BATCH):
        rows = []
        for n in range(start, min(items, start + BATCH)):
            rows.append(
                Item(
                    case=case,
                    source=source,
                    origin_hash=f"{n:040x}",
                    origin=[f"f/{n}.jpg"],
                    path=f"f/{n}.jpg",
                    name=f"{n}.jpg",
                    size=1000,
                    blob_id=digests[n % CONTENTS],
                    status="processed",
                    match_status=rng.choice(statuses),
                )
            )
        Item.objects.bulk_create(rows, batch_size=BATCH)
        print(f"\r  {min(items, start + BATCH):,} items", end="", flush=True)
    print()
    return time.perf_counter() - started


def timed(function: Callable[[], Any], repeats: int) -> list[float]:
    function()  # warm the caches once
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
    }


def cursor_at(case: Any, depth: int, status: str | None = None) -> str:
    """The keyset cursor of the page that starts `depth` items into the queue."""
    from vigil.matching.review import REVIEW_RANK, in_review_order
    from vigil.records.cases.models import Item

    items = Item.objects.filter(case=case)
    if status:
        items = items.filter(match_status=status)
    before = in_review_order(items)[depth - 1 : depth].values_list("match_status", "pk")
    last_status, last_id = before.get()
    return f"{REVIEW_RANK[last_status]}.{last_id}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--home", type=Path, default=None, help="instance to build or reuse")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="vigil-bench-review-"))
    os.environ["VIGIL_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.web.settings")
    from vigil.records.bootstrap import setup_django

    setup_django()
    from django.db import connection
    from tests.web.personas import make_person, sign_in

    from vigil.matching.review import in_review_order
    from vigil.records.cases.models import Case, Item

    print(f"Instance {home} ({connection.vendor})")
    build_s = build(args.items)
    if build_s:
        print(f"Built {args.items:,} items in {build_s:.0f} s")
    case = Case.objects.get(name=CASE)
    total = Item.objects.filter(case=case).count()
    reviewer = f"bench-{int(time.time())}"
    client = sign_in(make_person(reviewer, ("reviewer",), cases=(case,)))
    grid = f"/cases/{case.pk}/review/"
    deep = total // 2
    scenarios = [
        ("first page", "", 0, None),
        (f"page at {deep:,}", f"after={cursor_at(case, deep)}", deep, None),
        (f"page at {total - 100:,}", f"after={cursor_at(case, total - 100)}", total - 100, None),
        ("near only, first page", "status=near", 0, "near"),
        (
            "near only, deep",
            f"status=near&after={cursor_at(case, deep // 20, 'near')}",
            deep // 20,
            "near",
        ),
        ("images only, deep", f"type=image&after={cursor_at(case, deep)}", deep, None),
        ("taken in March, first page", "from=2024-03-01&to=2024-03-31", 0, None),
    ]
    results: list[dict[str, Any]] = []
    print(f"{'scenario':<28}{'view p50':>10}{'view p95':>10}{'OFFSET p50':>12}{'× keyset':>10}")
    for label, query, depth, status in scenarios:

        def view(query: str = query) -> None:
            answer = client.get(f"{grid}?{query}")
            assert answer.status_code == 200, answer.status_code

        view_times = summary(timed(view, args.repeats))
        items = Item.objects.filter(case=case)
        if status:
            items = items.filter(match_status=status)

        def offset_query(items: Any = items, depth: int = depth) -> None:
            list(in_review_order(items).select_related("blob")[depth : depth + 60])

        offset = summary(timed(offset_query, max(3, args.repeats // 5)))
        ratio = offset["p50_ms"] / view_times["p50_ms"] if view_times["p50_ms"] else 0.0
        results.append(
            {
                "scenario": label,
                "view": view_times,
                "offset_query": offset,
                "offset_over_view": round(ratio, 1),
            }
        )
        print(
            f"{label:<28}{view_times['p50_ms']:>10.1f}{view_times['p95_ms']:>10.1f}"
            f"{offset['p50_ms']:>12.1f}{ratio:>9.1f}×"
        )
    worst = max(row["view"]["p95_ms"] for row in results)
    verdict = "meets" if worst < TARGET_P95_MS else "misses"
    print(f"Worst view p95 {worst:.1f} ms: {verdict} the target of {TARGET_P95_MS:.0f} ms")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps({"items": total, "database": connection.vendor, "results": results}, indent=2)
        + "\n"
    )


if __name__ == "__main__":
    main()
