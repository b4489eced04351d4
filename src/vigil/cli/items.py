"""`vigil items --case NAME`: the items of a case, for reading or for other tools (--json)."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from vigil.cli.app import app, case_or_exit, console, start_django


@app.command()
def items(
    case: Annotated[str, typer.Option("--case", help="Case name")],
    as_json: Annotated[bool, typer.Option("--json", help="Print every item as JSON")] = False,
    status: Annotated[
        str | None, typer.Option("--status", help="Only processed, failed or pending items")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="At most this many (table default 200)")
    ] = None,
    deleted: Annotated[
        bool, typer.Option("--deleted", help="Only files deleted in a media image's file system")
    ] = False,
) -> None:
    """List the items of a case: path of origin, status, type, size, hashes, problems."""
    start_django()
    from vigil.records.cases.models import Item

    case_row = case_or_exit(case)
    from vigil.audit.log import cli_actor, record

    query = Item.objects.filter(case=case_row).select_related("blob", "source").order_by("id")
    if status:
        query = query.filter(status=status)
    if deleted:
        query = query.filter(facts__deleted=True)
    # Listing a case's items shows evidence metadata: it is a view, and views are audited.
    record(
        "items.list",
        actor=cli_actor(),
        case_name=case,
        purpose="cli listing",
        details={"status": status, "deleted": deleted, "limit": limit, "json": as_json},
    )
    if as_json:
        _print_json(query if limit is None else query[:limit])
        return
    _print_table(query[: limit or 200], query.count())


def item_document(item: Any) -> dict[str, Any]:
    blob = item.blob if item.blob_id else None
    return {
        "id": item.pk,
        "source": item.source.path,
        "path": item.path,
        "origin": item.origin,
        "name": item.name,
        "depth": item.depth,
        "kind": item.kind,
        "status": item.status,
        "error_code": item.error_code,
        "issues": item.issues,
        "size": item.size,
        "times": item.times,
        "facts": item.facts,
        "link_target": item.link_target,
        "extension_mismatch": item.extension_mismatch,
        "parent_id": item.parent_id,
        "sha256": item.blob_id,
        "md5": blob.md5 if blob else None,
        "sha1": blob.sha1 if blob else None,
        "type": blob.type_label if blob else None,
        "mime": blob.mime if blob else None,
        "width": blob.width if blob else None,
        "height": blob.height if blob else None,
        "duration_s": blob.duration_s if blob else None,
        "pdq": blob.pdq if blob else None,
        "pdq_quality": blob.pdq_quality if blob else None,
        "thumbnails": blob.thumbnails if blob else 0,
        "media": blob.media if blob else {},
    }


def _print_json(query: Any) -> None:
    # Streamed, so a case of millions of items never sits in memory at once.
    out = sys.stdout
    out.write("[")
    for index, item in enumerate(query.iterator(chunk_size=2000)):
        out.write(",\n" if index else "\n")
        out.write(json.dumps(item_document(item), ensure_ascii=False))
    out.write("\n]\n")


def _print_table(rows: Any, total: int) -> None:
    table = Table(title=f"{total:,} items")
    for column in ("path", "status", "type", "size", "sha256", "problem"):
        table.add_column(column, overflow="fold")
    for item in rows:
        table.add_row(
            item.path,
            item.status,
            item.blob.type_label if item.blob_id and item.blob else item.kind,
            f"{item.size:,}" if item.size is not None else "",
            (item.blob_id or "")[:16],
            item.error_code or ", ".join(i["code"] for i in item.issues[:2]),
        )
    console.print(table)
