"""`vigil catalog`: the hub's tool catalogue, for hub admins: list, import, export.

An import is all or nothing: every entry is checked first (the same checks as the shipped seed)
and a single bad entry keeps the whole file out, with every problem named. Imported tools count
as curated: later upgrades of the shipped seed leave them as they are.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from vigil.cli.app import app, console, fail, start_django

catalog_app = typer.Typer(help="The hub's tool catalogue (hub admins).", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")

SUFFIX_FORMATS = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}


@catalog_app.command("ls")
def ls(
    as_json: Annotated[bool, typer.Option("--json", help="Print every field as JSON")] = False,
) -> None:
    """List the catalogue's tools (hidden ones included, marked)."""
    start_django()
    from vigil.hub.catalogue.database import entry_of, visible_tools

    tools = visible_tools(include_hidden=True).order_by("slug")
    if as_json:
        rows = [
            entry_of(tool).as_dict() | {"hidden": tool.hidden, "origin": tool.origin}
            for tool in tools
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{tools.count()} tools")
    for column in ("slug", "name", "provider", "categories", "cost", "state"):
        table.add_column(column)
    for tool in tools:
        state = ("hidden, " if tool.hidden else "") + tool.origin
        table.add_row(
            tool.slug, tool.name, tool.provider, ", ".join(tool.categories), tool.cost, state
        )
    console.print(table)


@catalog_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A catalogue: a list of entries, .yaml or .json")],
) -> None:
    """Add or replace tools by slug from a YAML or JSON catalogue; all or nothing."""
    start_django()
    from vigil.audit.log import cli_actor, record
    from vigil.hub.catalogue import CatalogueError, load_file
    from vigil.hub.catalogue.database import import_entries

    try:
        entries = load_file(file)
    except CatalogueError as error:
        raise fail(f"nothing imported:\n{error}") from None
    actor = cli_actor()
    result = import_entries(entries, by=actor)
    record(
        "hub.catalogue_import",
        actor=actor,
        purpose="hub catalogue",
        details={"file": file.name, "added": result.added, "updated": result.updated},
    )
    console.print(f"Imported {len(entries)} tools: {result.added} added, {result.updated} updated.")


@catalog_app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="File to write: .yaml, .yml or .json")],
) -> None:
    """Write the whole catalogue (hidden tools included) to one YAML or JSON file."""
    file_format = SUFFIX_FORMATS.get(out.suffix.lower())
    if file_format is None:
        raise fail(f"{out}: the file must end in .yaml, .yml or .json")
    start_django()
    from vigil.audit.log import cli_actor, record
    from vigil.hub.catalogue.database import export_text, visible_tools

    tools = visible_tools(include_hidden=True).order_by("slug")
    try:
        out.write_text(export_text(tools, file_format), encoding="utf-8")
    except OSError as error:
        raise fail(f"{out}: cannot be written: {error.strerror or error}") from None
    record(
        "hub.catalogue_export",
        actor=cli_actor(),
        purpose="hub catalogue",
        details={"file": out.name, "tools": tools.count()},
    )
    console.print(f"Wrote {tools.count()} tools to {out}.")
