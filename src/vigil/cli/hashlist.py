"""`vigil hashlist import FILE --name NAME` and `vigil hashlist ls`: the agency's hash lists."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from vigil.cli.app import app, console, fail, start_django

hashlist_app = typer.Typer(help="Hash lists: import VICS, CSV/TSV or NSRL; list them.")
app.add_typer(hashlist_app, name="hashlist")


@hashlist_app.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(help="VICS JSON, CSV/TSV or NSRL RDS v3 SQLite file")],
    name: Annotated[str, typer.Option("--name", help="Unique name of the list")],
    list_format: Annotated[
        str, typer.Option("--format", help="auto (from the content), vics, csv or nsrl")
    ] = "auto",
    origin: Annotated[str, typer.Option("--origin", help="Who issued the list")] = "",
    trust: Annotated[str, typer.Option("--trust", help="high, medium or low")] = "medium",
    list_date: Annotated[
        str | None, typer.Option("--date", help="Date of the list, YYYY-MM-DD")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="known_illicit or known_good (default: known_good for NSRL)"),
    ] = None,
    scheme: Annotated[str, typer.Option("--scheme", help="Categories: vics or caid")] = "vics",
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="JSON file: raw category → vics:N / caid:X")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the list of that name with this file")
    ] = False,
    allow_bad_rows: Annotated[
        bool,
        typer.Option(
            "--allow-bad-rows", help="Exit 0 even if rows were bad (they are still counted)"
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress")] = False,
) -> None:
    """Import a hash list, streamed: millions of rows, memory flat, bad rows counted.

    A bad row (a hash of the wrong length, a wrong column count, an unterminated quote) is left
    out and listed with its line; the rest imports. Exit 1 if any row was bad, unless
    --allow-bad-rows.
    """
    if not path.is_file():
        raise fail(f"{path} is not a file")
    try:
        day = date.fromisoformat(list_date) if list_date else None
        categories = json.loads(mapping.read_text()) if mapping else None
    except (ValueError, OSError) as error:
        raise fail(str(error)) from None
    start_django()
    from vigil.audit.log import cli_actor
    from vigil.matching.formats import FormatError, detect_format
    from vigil.matching.importer import ImportRefused, ListOptions, import_list

    if kind is None:
        chosen = detect_format(path) if list_format == "auto" else list_format
        kind = "known_good" if chosen == "nsrl" else "known_illicit"
    options = ListOptions(name, list_format, origin, trust, day, kind, scheme, categories, replace)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("[bold]import[/bold] {task.completed:,} entries, {task.fields[bad]:,} bad"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=True,
    )
    with progress:
        task = progress.add_task("import", total=None, bad=0, rate="")

        def on_progress(done: int, problems: int) -> None:
            elapsed = progress.tasks[0].elapsed or 1e-6
            rate = f"{done / elapsed:,.0f} rows/s"
            progress.update(task, completed=done, bad=problems, rate=rate)

        try:
            result = import_list(path, options, actor=cli_actor(), on_progress=on_progress)
        except (ImportRefused, FormatError) as error:
            raise fail(str(error)) from None
    hash_list = result.hash_list
    if not quiet:
        console.print(
            f"Imported [bold]{escape(hash_list.name)}[/bold] ({hash_list.format_detail}): "
            f"{result.entries:,} entries, {hash_list.pdq_count:,} with PDQ, "
            f"{hash_list.vpdq_count:,} with vPDQ, "
            f"{result.bad_rows:,} bad rows, {result.problems:,} problems, "
            f"{result.seconds:.1f} s"
            + (" (replaced the previous version)" if result.replaced else "")
        )
        _print_problems(hash_list.problems, result.problems, hash_list.format)
        if result.replaced:
            console.print("Cases matched against the previous version: run `vigil match` again.")
    if result.bad_rows and not allow_bad_rows:
        raise fail(
            f"{result.bad_rows:,} bad rows: the list was imported without them. Fix the file "
            "and import it again with --replace, or pass --allow-bad-rows to accept it as it is.",
            code=1,
        )


def _print_problems(kept: list[dict[str, Any]], count: int, list_format: str) -> None:
    # CSV problems carry the line their record starts on; VICS and NSRL, the record's position.
    where = "line" if list_format == "csv" else "record"
    shown = 10
    for problem in kept[:shown]:
        place = f"{where} {problem['row']}" if problem["row"] is not None else "list"
        console.print(f"  {place}: {problem['code']}: {escape(str(problem['message']))}")
    if count > shown:
        console.print(
            f"  ... and {count - shown:,} more (`vigil hashlist ls --json` keeps {len(kept):,})"
        )


@hashlist_app.command("ls")
def ls_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the lists as JSON")] = False,
) -> None:
    """List the hash lists with their origin, trust, kind and counts."""
    start_django()
    from vigil.records.matching.models import HashList

    rows = [_document(hash_list) for hash_list in HashList.objects.order_by("name")]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title=f"{len(rows)} hash lists")
    for column in ("name", "kind", "format", "origin", "trust", "date", "entries", "pdq",
                   "problems", "scheme", "imported"):  # fmt: skip
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            row["name"] + ("" if row["complete"] else " [red](incomplete)[/red]"),
            row["kind"],
            row["format"],
            row["origin"],
            row["trust_level"],
            row["list_date"] or "",
            f"{row['entries']:,}",
            f"{row['pdq']:,}",
            f"{row['problems']:,}",
            row["category_scheme"],
            row["imported_at"][:19],
        )
    console.print(table)


def _document(hash_list: Any) -> dict[str, Any]:
    return {
        "id": hash_list.pk,
        "name": hash_list.name,
        "kind": hash_list.kind,
        "format": hash_list.format_detail or hash_list.format,
        "origin": hash_list.origin,
        "trust_level": hash_list.trust_level,
        "list_date": hash_list.list_date.isoformat() if hash_list.list_date else None,
        "category_scheme": hash_list.category_scheme,
        "category_mapping": hash_list.category_mapping,
        "entries": hash_list.entry_count,
        "pdq": hash_list.pdq_count,
        "vpdq": hash_list.vpdq_count,
        "problems": hash_list.problem_count,
        "source_name": hash_list.source_name,
        "source_sha256": hash_list.source_sha256,
        "complete": hash_list.complete,
        "imported_by": hash_list.imported_by,
        "imported_at": hash_list.imported_at.isoformat(),
    }
