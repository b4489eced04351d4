"""Exporting a case's categorised items as VICS 2.0 JSON or CSV, with a hash manifest.

Categorised means matched exactly on an illicit list (status known_illicit): a near match is a
suggestion until a person confirms it, and an export must not spread a guess. One Media per
distinct content, its items as MediaFiles. The file is written atomically (temporary file,
fsync, rename), then `<out>.manifest.json` (count, SHA-256, size) beside it, also atomically:
an export without its manifest is one that did not finish.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Literal

from vigil import __version__
from vigil.audit.log import record
from vigil.core.fs import atomic_file
from vigil.matching.categories import UNCATEGORISED, list_code, severity, vics_number
from vigil.matching.formats.csv_list import FILE_NAME_SEPARATOR
from vigil.matching.review import KNOWN_ILLICIT
from vigil.records.cases.models import Case, Item
from vigil.records.matching.models import HashEntry, Match

ExportFormat = Literal["vics", "csv"]
VICS_CONTEXT = "http://github.com/ICMEC/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media"
_FLAG_KEYS = ("victim_identified", "offender_identified", "is_distributed")
CSV_COLUMNS = ["md5", "sha1", "sha256", "pdq", "category", "series", "victim_identified",
               "offender_identified", "is_distributed", "size", "file_names"]  # fmt: skip


@dataclass(frozen=True)
class Content:
    """One distinct content of the case with what the lists said about it."""

    md5: str
    sha1: str
    sha256: str
    pdq: str | None
    size: int
    category: str | None
    entry: HashEntry | None  # the most severe exact match: series and flags come from it
    files: list[tuple[str, str]]  # (name, path of origin)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    manifest: Path
    count: int
    sha256: str
    size: int


class _HashingWriter:
    def __init__(self, handle: BinaryIO) -> None:
        self.handle, self.digest, self.size = handle, hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.handle.write(data)
        self.digest.update(data)
        self.size += len(data)


def export_case(case: Case, out: Path, export_format: ExportFormat, *, actor: str) -> ExportResult:
    if export_format not in ("vics", "csv"):
        raise ValueError(f"export format must be vics or csv, not {export_format!r}")
    out = out.absolute()
    with atomic_file(out) as handle:
        writer = _HashingWriter(handle)
        write = _write_vics if export_format == "vics" else _write_csv
        count = write(writer, contents(case))
    manifest = out.with_name(out.name + ".manifest.json")
    document = {
        "file": out.name,
        "format": "VICS 2.0 JSON" if export_format == "vics" else "CSV",
        "count": count,
        "sha256": writer.digest.hexdigest(),
        "size": writer.size,
        "case": case.name,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tool": "vigil",
        "tool_version": __version__,
    }
    with atomic_file(manifest) as handle:
        handle.write(json.dumps(document, indent=2).encode() + b"\n")
    result = ExportResult(out, manifest, count, writer.digest.hexdigest(), writer.size)
    record(
        "export.write",
        actor=actor,
        case_name=case.name,
        details={
            "path": str(out),
            "format": export_format,
            "count": count,
            "sha256": result.sha256,
            "size": result.size,
        },
    )
    return result


def contents(case: Case) -> Iterator[Content]:
    """The case's known-illicit contents in SHA-256 order, streamed one content at a time."""
    items = (
        Item.objects.filter(case=case, match_status=KNOWN_ILLICIT, blob__isnull=False)
        .select_related("blob")
        .order_by("blob_id", "id")
        .iterator(chunk_size=2_000)
    )
    group: list[Item] = []
    for item in items:
        if group and group[0].blob_id != item.blob_id:
            yield _content(group)
            group = []
        group.append(item)
    if group:
        yield _content(group)


def _content(items: list[Item]) -> Content:
    blob = items[0].blob
    assert blob is not None
    exact = (
        Match.objects.filter(item__in=items, hash_list__kind="known_illicit")
        .exclude(kind__in=Match.NEAR_KINDS)
        .select_related("entry")
    )
    best = min(exact, key=lambda match: (severity(match.category), match.pk), default=None)
    category = items[0].match_category
    return Content(
        md5=blob.md5,
        sha1=blob.sha1,
        sha256=blob.sha256,
        pdq=blob.pdq,
        size=blob.size,
        category=None if category in (None, UNCATEGORISED) else category,
        entry=best.entry if best else None,
        files=[(item.name, item.path) for item in items],
    )


def _write_vics(writer: _HashingWriter, rows: Iterator[Content]) -> int:
    writer.write(b'{"@odata.context": ' + json.dumps(VICS_CONTEXT).encode() + b', "value": [')
    count = 0
    for count, content in enumerate(rows, start=1):
        writer.write((b",\n" if count > 1 else b"\n") + json.dumps(_media(count, content)).encode())
    writer.write(b"\n]}\n")
    return count


def _media(media_id: int, content: Content) -> dict[str, Any]:
    flags = content.entry.flags if content.entry else {}
    return {
        "MediaID": media_id,
        "Category": vics_number(content.category),
        "MD5": content.md5.upper(),
        "SHA1": content.sha1.upper(),
        "MediaSize": content.size,
        "Series": content.entry.series if content.entry else None,
        "VictimIdentified": flags.get("victim_identified"),
        "OffenderIdentified": flags.get("offender_identified"),
        "IsDistributed": flags.get("is_distributed"),
        "MediaFiles": [
            {"FileName": name, "FilePath": path, "MD5": content.md5.upper()}
            for name, path in content.files
        ],
    }


def _write_csv(writer: _HashingWriter, rows: Iterator[Content]) -> int:
    buffer = io.StringIO()
    table = csv.writer(buffer, lineterminator="\n")
    table.writerow(CSV_COLUMNS)
    count = 0
    for content in rows:
        count += 1
        flags = content.entry.flags if content.entry else {}
        table.writerow(
            [
                content.md5,
                content.sha1,
                content.sha256,
                content.pdq or "",
                list_code(content.category) or "",
                (content.entry.series if content.entry else None) or "",
                *(_bool(flags.get(key)) for key in _FLAG_KEYS),
                content.size,
                FILE_NAME_SEPARATOR.join(name for name, _ in content.files),
            ]
        )
        if buffer.tell() > 1 << 16:
            writer.write(buffer.getvalue().encode())
            buffer.seek(0)
            buffer.truncate()
    writer.write(buffer.getvalue().encode())
    return count


def _bool(value: object) -> str:
    return "" if value is None else str(bool(value)).lower()
