"""Importing a hash list: streamed from the file into the database in batches, memory flat.

Each batch of 10,000 entries is one transaction. The list row stays `complete=False` until the
last batch is in, so a killed import never passes for a whole list: it is deleted on failure
and ignored by matching if the process dies. Re-importing a name (`replace=True`) loads the new
version beside the old one and swaps them in one transaction at the end.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import connection, transaction

from vigil.audit.log import record
from vigil.matching.categories import default_mapping, is_mapped, validate_mapping
from vigil.matching.formats import ListEntry, Problems, read_list
from vigil.matching.indexes import rebuild_index, remove_index
from vigil.records.matching.models import HashEntry, HashList, Match

BATCH_SIZE = 10_000
ProgressCallback = Callable[[int, int], None]  # (entries imported, problems)


class ImportRefused(ValueError):
    """The import cannot start: the name is taken, or an option is invalid."""


@dataclass
class ListOptions:
    name: str
    list_format: str = "auto"
    origin: str = ""
    trust_level: str = HashList.Trust.MEDIUM
    list_date: date | None = None
    kind: str = HashList.Kind.KNOWN_ILLICIT
    scheme: str = HashList.Scheme.VICS
    mapping: dict[str, str] | None = None  # None: the scheme's default
    replace: bool = False


@dataclass
class ImportResult:
    hash_list: HashList
    entries: int
    problems: int
    seconds: float
    replaced: bool = False
    unmapped: dict[str, int] = field(default_factory=dict)
    # Rows the file holds that are not in the list (each in `problems` with its line): the list
    # is imported without them, and whoever imports it must hear so.
    bad_rows: int = 0


def import_list(
    path: Path,
    options: ListOptions,
    *,
    actor: str,
    on_progress: ProgressCallback | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    started = time.monotonic()
    mapping = _check_options(options)
    previous = HashList.objects.filter(name=options.name).first()
    if previous is not None and not previous.complete:
        delete_list(previous)  # left by an import that was killed: never a usable list
        previous = None
    if previous is not None and not options.replace:
        raise ImportRefused(f"a hash list named {options.name!r} exists (replace it explicitly)")
    details: dict[str, object] = {"file": str(path), "name": options.name, "kind": options.kind}
    problems = Problems()
    hash_list: HashList | None = None
    try:
        source_sha256 = _sha256_of(path)
        list_format, detail, entries = read_list(path, options.list_format, problems)
        hash_list = HashList.objects.create(
            # A temporary name while the old version, if any, still answers to the real one.
            name=f"{options.name} (importing {uuid.uuid4().hex[:8]})"[:200]
            if previous
            else options.name,
            origin=options.origin,
            trust_level=options.trust_level,
            list_date=options.list_date,
            format=list_format,
            format_detail=detail,
            kind=options.kind,
            category_scheme=options.scheme,
            category_mapping=mapping,
            source_name=path.name,
            source_sha256=source_sha256,
            imported_by=actor,
        )
        counts, raw_categories = _load(hash_list, entries, problems, batch_size, on_progress)
        unmapped = {
            str(raw): count for raw, count in raw_categories.items() if not is_mapped(raw, mapping)
        }
        for raw, count in sorted(unmapped.items()):
            problems.add(
                None,
                "unmapped_category",
                f"category {raw!r} ({count:,} entries) is not in the mapping: kept as listed, "
                "matched as uncategorised",
            )
        _finish(hash_list, previous, options.name, counts, problems)
    except BaseException as error:  # Ctrl-C too: a partial list must not stay behind
        if hash_list is not None:
            delete_list(hash_list)
        failure = {**details, "error": type(error).__name__, "message": str(error)[:500]}
        record("hashlist.import", actor=actor, outcome="failed", details=failure)
        raise
    if previous is not None:
        remove_index(previous.pk)
    rebuild_index(hash_list)
    result = ImportResult(
        hash_list,
        counts["entries"],
        problems.count,
        time.monotonic() - started,
        replaced=previous is not None,
        unmapped=unmapped,
        bad_rows=problems.bad_rows,
    )
    record(
        "hashlist.import",
        actor=actor,
        details={
            **details,
            "list_id": hash_list.pk,
            "format": detail,
            "sha256": source_sha256,
            "entries": result.entries,
            "pdq": counts["pdq"],
            "problems": result.problems,
            "bad_rows": result.bad_rows,
            "replaced": result.replaced,
        },
    )
    return result


def delete_list(hash_list: HashList) -> None:
    """Removes a list, its entries, matches and index without loading 10 million rows."""
    with transaction.atomic():
        Match.objects.filter(hash_list=hash_list).delete()
        with connection.cursor() as cursor:
            # The ORM's cascade would fetch every entry first; one statement does the same.
            cursor.execute(
                f"DELETE FROM {HashEntry._meta.db_table} WHERE hash_list_id = %s",
                [hash_list.pk],
            )
        HashList.objects.filter(pk=hash_list.pk).delete()
    remove_index(hash_list.pk)


def _check_options(options: ListOptions) -> dict[str, str]:
    if options.kind not in HashList.Kind.values:
        raise ImportRefused(f"kind must be one of {HashList.Kind.values}")
    if options.scheme not in HashList.Scheme.values:
        raise ImportRefused(f"scheme must be one of {HashList.Scheme.values}")
    if options.trust_level not in HashList.Trust.values:
        raise ImportRefused(f"trust must be one of {HashList.Trust.values}")
    if not options.name.strip():
        raise ImportRefused("a hash list needs a name")
    try:
        if options.mapping is None:
            return default_mapping(options.scheme)
        return validate_mapping(options.scheme, options.mapping)
    except ValueError as error:
        raise ImportRefused(f"category mapping: {error}") from None


def _load(
    hash_list: HashList,
    entries: Iterator[ListEntry],
    problems: Problems,
    batch_size: int,
    on_progress: ProgressCallback | None,
) -> tuple[dict[str, int], Counter[str | None]]:
    counts = {"entries": 0, "pdq": 0, "vpdq": 0}
    categories: Counter[str | None] = Counter()
    insert = _insert_statement()
    _grow_page_cache()
    for batch in _batched(entries, batch_size):
        rows = [_row(hash_list.pk, entry) for entry in batch]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(insert, rows)
        counts["entries"] += len(rows)
        counts["pdq"] += sum(1 for entry in batch if entry.pdq)
        counts["vpdq"] += sum(1 for entry in batch if entry.vpdq)
        categories.update(entry.category for entry in batch)
        if on_progress is not None:
            on_progress(counts["entries"], problems.count)
    return counts, categories


def _finish(
    hash_list: HashList,
    previous: HashList | None,
    name: str,
    counts: dict[str, int],
    problems: Problems,
) -> None:
    hash_list.entry_count = counts["entries"]
    hash_list.pdq_count = counts["pdq"]
    hash_list.vpdq_count = counts["vpdq"]
    hash_list.problem_count = problems.count
    hash_list.problems = problems.kept
    hash_list.complete = True
    if previous is None:
        hash_list.save()
        return
    with transaction.atomic():  # the swap: readers see the old version or the new one
        delete_list(previous)
        hash_list.name = name
        hash_list.save()


# Plain executemany, not bulk_create: on SQLite, bulk_create compiles ~90 rows per statement
# (the 999-parameter limit) and prepares every field in Python, which made imports 5x slower.
_COLUMNS = ("hash_list", "md5", "sha1", "sha256", "pdq", "vpdq", "photodna", "category",
            "series", "note", "media_id", "flags")  # fmt: skip


def _insert_statement() -> str:
    meta = HashEntry._meta
    column_of = {field.name: str(field.column) for field in meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(column_of[name]) for name in _COLUMNS)
    placeholders = ", ".join(["%s"] * len(_COLUMNS))
    table = connection.ops.quote_name(meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"


def _row(list_id: int, entry: ListEntry) -> tuple[int | str | None, ...]:
    flags = {
        key: value
        for key, value in (
            ("victim_identified", entry.victim_identified),
            ("offender_identified", entry.offender_identified),
            ("is_distributed", entry.is_distributed),
            ("file_names", entry.file_names),
            ("anomalies", entry.flags),
        )
        if value not in (None, [])
    }
    return (
        list_id,
        entry.md5,
        entry.sha1,
        entry.sha256,
        entry.pdq,
        entry.vpdq,
        entry.photodna,
        entry.category,
        entry.series,
        entry.note,
        entry.media_id,
        json.dumps(flags, ensure_ascii=False),
    )


def entry_of(row: HashEntry) -> ListEntry:
    """A stored entry as the ListEntry it came from (for comparisons and exports)."""
    flags = row.flags or {}
    return ListEntry(
        md5=row.md5,
        sha1=row.sha1,
        sha256=row.sha256,
        pdq=row.pdq,
        vpdq=row.vpdq,
        photodna=row.photodna,
        category=row.category,
        series=row.series,
        note=row.note,
        media_id=row.media_id,
        victim_identified=flags.get("victim_identified"),
        offender_identified=flags.get("offender_identified"),
        is_distributed=flags.get("is_distributed"),
        file_names=list(flags.get("file_names", [])),
        flags=list(flags.get("anomalies", [])),
    )


def _grow_page_cache() -> None:
    # Random hashes land all over four B-tree indexes: with SQLite's default 2 MB page cache a
    # 10-million-row import spends its time re-reading index pages. 256 MB, this connection only.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")


def _batched(entries: Iterable[ListEntry], size: int) -> Iterator[list[ListEntry]]:
    iterator = iter(entries)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
