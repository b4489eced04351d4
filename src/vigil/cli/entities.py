"""`vigil entities --case NAME`: the validated entities found in a case's chat messages
(addresses, numbers, sites, handles), with how often and when they occur."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from vigil.cli.app import app, case_or_exit, console, fail, start_django

KINDS = ("email", "phone", "url", "domain", "onion", "crypto", "iban", "card", "handle")


@app.command()
def entities(
    case: Annotated[str, typer.Option("--case", help="Case name")],
    kind: Annotated[
        str | None, typer.Option("--kind", help="Only one kind: " + ", ".join(KINDS))
    ] = None,
    contains: Annotated[
        str | None, typer.Option("--contains", help="Only values containing this text")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Table rows at most")] = 200,
) -> None:
    """List the entities of a case's chats, most mentioned first."""
    if kind is not None and kind not in KINDS:
        raise fail(f"unknown kind {kind!r} (kinds: {', '.join(KINDS)})")
    start_django()
    from vigil.audit.log import cli_actor, record
    from vigil.chats.importing.queries import entity_table
    from vigil.records.cases.models import Case

    case_row = case_or_exit(case)
    # On the command line the operator sees every case of the instance.
    visible = list(Case.objects.values_list("pk", flat=True))
    rows = entity_table(case_row, kind=kind, contains=contains, visible_case_ids=visible)
    record(
        "entities.list",
        actor=cli_actor(),
        case_name=case,
        purpose="cli listing",
        details={"kind": kind, "contains": contains, "json": as_json, "rows": len(rows)},
    )
    if as_json:
        print(json.dumps([_document(row) for row in rows], indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{len(rows):,} entities in {case}")
    for column in ("kind", "value", "details", "mentions", "senders", "first (UTC)", "last (UTC)",
                   "other cases"):  # fmt: skip
        table.add_column(column, overflow="fold")
    for row in rows[:limit]:
        table.add_row(
            row["kind"],
            row["value"],
            ", ".join(f"{key}={value}" for key, value in row["details"].items()),
            f"{row['mentions']:,}",
            str(row["participants"]),
            row["first_seen"].strftime("%Y-%m-%d %H:%M") if row["first_seen"] else "",
            row["last_seen"].strftime("%Y-%m-%d %H:%M") if row["last_seen"] else "",
            str(row["other_cases"] or ""),
        )
    console.print(table)


def _document(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "first_seen": row["first_seen"].isoformat() if row["first_seen"] else None,
        "last_seen": row["last_seen"].isoformat() if row["last_seen"] else None,
    }
