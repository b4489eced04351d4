"""`vigil cases`: the cases in this instance, with their counts."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from vigil.cli.app import app, console, start_django

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.db.models.functions import Coalesce


@app.command()
def cases(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON")] = False,
) -> None:
    """List cases with their sources and item counts."""
    start_django()
    from vigil.records.cases.models import Case, Item, Source

    # One count per table, each its own subquery: counted together over a join of sources
    # and items, every item would be counted once per source of its case.
    rows = (
        Case.objects.annotate(
            n_sources=_count_per_case(Source.objects.all()),
            n_items=_count_per_case(Item.objects.all()),
            n_failed=_count_per_case(Item.objects.filter(status="failed")),
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


def _count_per_case(rows: QuerySet[Any]) -> Coalesce:
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    counted = rows.filter(case=OuterRef("pk")).order_by().values("case").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)
