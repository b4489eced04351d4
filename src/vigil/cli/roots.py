"""`vigil roots`: the folders evidence may be read from (besides VIGIL_EVIDENCE_ROOTS)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from vigil.cli.app import app, console, fail, start_django

roots_app = typer.Typer(
    help="Evidence roots: the only folders triage reads (administrators).", no_args_is_help=True
)
app.add_typer(roots_app, name="roots")


@roots_app.command("list")
def list_roots() -> None:
    """Every evidence root, from the environment and declared here."""
    start_django()
    from vigil.pipeline.evidence import listed_roots

    roots = listed_roots()
    if not roots:
        console.print("No evidence roots: triage reads nothing until one is declared.")
        return
    table = Table(title="Evidence roots")
    table.add_column("folder")
    table.add_column("from")
    for path, origin in roots:
        table.add_row(escape(path), escape(origin))
    console.print(table)


@roots_app.command("add")
def add_root(
    folder: Annotated[Path, typer.Argument(help="A folder that holds seizures")],
) -> None:
    """Declare a folder as an evidence root (audited)."""
    start_django()
    from vigil.audit.log import cli_actor
    from vigil.pipeline.evidence import RootRefused, declare_root

    try:
        real = declare_root(folder.absolute(), actor=cli_actor())
    except RootRefused as error:
        raise fail(escape(str(error))) from None
    console.print(f"Evidence root: {escape(real)}")


@roots_app.command("remove")
def remove_root(
    folder: Annotated[Path, typer.Argument(help="A declared evidence root")],
) -> None:
    """Withdraw a declared evidence root (audited); what was triaged from it stays."""
    start_django()
    from vigil.audit.log import cli_actor
    from vigil.pipeline.evidence import withdraw_root

    if not withdraw_root(folder.absolute(), actor=cli_actor()):
        raise fail(escape(f"{folder} is not a declared evidence root (see `vigil roots list`)"))
    console.print(f"Withdrawn: {escape(str(folder))}")
