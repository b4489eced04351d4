"""Chat import speed: messages/s and peak memory of importing a generated Telegram export.

Baseline, measured in the same run: a plain streamed parse of the same file (ijson, C backend)
without the database, entities or languages, so the ratio shows what the import adds. Each
side runs in its own process, so each peak RSS is its own.

    .venv/bin/python bench/chats.py --messages 1000000 [--database-url postgresql://...]

The export (a single-chat result.json, written streamed: ~300 MB for 1M messages) is cached
under bench-data/. Text mixes six languages; about 3% of messages carry an entity.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path("bench-data")
SENTENCES = (
    "are we still meeting tomorrow at the usual place",
    "on se voit demain soir devant la gare",
    "nos vemos mañana por la noche en el parque",
    "мы встретимся завтра вечером у вокзала",
    "سنلتقي غدا في المساء عند المحطة",
    "我们明天晚上在车站见面",
    "ok",
    "send the photos when you can",
)
ENTITIES = (
    "pay to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
    "call me on +44 20 7946 0958",
    "see https://example.org/page",
    "write to someone@example.com",
)


def build_export(messages: int, seed: int = 7) -> Path:
    folder = ROOT / f"telegram-{messages}"
    path = folder / "result.json"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    partial = path.with_suffix(".partial")
    with open(partial, "w", encoding="utf-8") as out:
        out.write('{\n "name": "Bench", "type": "private_group", "id": 1,\n "messages": [\n')
        for index in range(1, messages + 1):
            text = rng.choice(SENTENCES)
            if rng.random() < 0.03:
                text = f"{text} {rng.choice(ENTITIES)}"
            sender = rng.randrange(20)
            message = {
                "id": index,
                "type": "message",
                "date": "2024-01-01T00:00:00",
                "date_unixtime": str(1704067200 + index * 7),
                "from": f"Person {sender}",
                "from_id": f"user{1000 + sender}",
                "text": text,
                "text_entities": [{"type": "plain", "text": text}],
            }
            if index % 5 == 0:
                message["reply_to_message_id"] = index - 1
            out.write(("  " if index == 1 else ",\n  ") + json.dumps(message, ensure_ascii=False))
        out.write("\n ]\n}\n")
    partial.rename(path)
    return path


def run_baseline(path: Path) -> dict[str, float]:
    import ijson

    started = time.perf_counter()
    with open(path, "rb") as stream:
        count = sum(1 for _ in ijson.items(stream, "messages.item", use_float=True))
    return {"seconds": time.perf_counter() - started, "messages": count}


def run_import(path: Path) -> dict[str, float]:
    os.environ.setdefault("VIGIL_HOME", tempfile.mkdtemp(prefix="vigil-bench-chats-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.web.settings")
    from django.core.management import call_command

    from vigil.records.bootstrap import setup_django

    setup_django()
    call_command("migrate", verbosity=0)
    from vigil.pipeline.service import triage
    from vigil.records.chats.models import ChatExport

    os.environ["VIGIL_EVIDENCE_ROOTS"] = str(path.parent.resolve())
    started = time.perf_counter()
    triage("bench", path.parent, executor="inline", workers=1)
    total = time.perf_counter() - started
    export = ChatExport.objects.get(case__name="bench")
    assert export.finished_at is not None
    seconds = (export.finished_at - export.started_at).total_seconds()
    return {"seconds": seconds, "messages": export.messages, "triage_seconds": total,
            "entity_mentions": export.entity_mentions}  # fmt: skip


def child(kind: str, path: Path) -> None:
    result = run_baseline(path) if kind == "baseline" else run_import(path)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(kind: str, path: Path, database_url: str | None) -> dict[str, float]:
    env = {**os.environ}
    if database_url:
        env["VIGIL_DATABASE_URL"] = database_url
    output = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL (default: SQLite)")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    started = time.perf_counter()
    path = build_export(args.messages)
    size_mb = path.stat().st_size / 1e6
    print(
        f"export: {path} ({size_mb:,.0f} MB, built/cached in {time.perf_counter() - started:.0f} s)"
    )
    baseline = measure("baseline", path, None)
    imported = measure("import", path, args.database_url)
    base_rate = baseline["messages"] / baseline["seconds"]
    rate = imported["messages"] / imported["seconds"]
    print(f"baseline (ijson parse only): {base_rate:,.0f} messages/s, "
          f"peak RSS {baseline['peak_rss_mb']:,.0f} MB")  # fmt: skip
    print(f"import (database, entities, language): {rate:,.0f} messages/s "
          f"({imported['messages']:,.0f} messages, {imported['entity_mentions']:,.0f} mentions, "
          f"{imported['seconds']:,.0f} s; triage in all {imported['triage_seconds']:,.0f} s), "
          f"peak RSS {imported['peak_rss_mb']:,.0f} MB")  # fmt: skip
    print(f"ratio import/baseline: {rate / base_rate:.3f} of the parse speed")


if __name__ == "__main__":
    main()
