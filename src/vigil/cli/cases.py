"""`vigil cases`: the cases in this instance, with their counts."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from vigil.cli.app import app, console, start_django


@app.command()
def cases(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON")] = False,
) -> None:
    """List cases with their sources and item counts."""
    start_django()
    from django.db.models import Count, Q

    from vigil.records.cases.models import Case

    rows = (
        Case.objects.annotate(
            n_sources=Count("sources", distinct=True),
            n_items=Count("items"),
            n_failed=Count("items", filter=Q(items__status="failed")),
        )
        .order_by("name")
        .values("name", "created_at", "n_sources", "n_items", "n_failed")
    )
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "name": row["name"],
                        "created_at": row["created_at"].isoformat(),
                        "sources": row["n_sources"],
                        "items": row["n_items"],
                        "failed": row["n_failed"],
                    }
                    for row in rows
                ],
                indent=2,
            )
        )
        return
    table = Table(title="Cases")
    for column in ("case", "created (UTC)", "sources", "items", "failed"):
        table.add_column(column, justify="left" if column in ("case", "created (UTC)") else "right")
    for row in rows:
        table.add_row(
            row["name"],
            row["created_at"].strftime("%Y-%m-%d %H:%M"),
            str(row["n_sources"]),
            f"{row['n_items']:,}",
            f"{row['n_failed']:,}",
        )
    console.print(table)
