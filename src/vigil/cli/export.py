"""`vigil export --case NAME --format vics|csv --out FILE`: categorised items, with a manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vigil.cli.app import app, case_or_exit, console, fail, start_django


@app.command()
def export(
    case: Annotated[str, typer.Option("--case", help="Case name")],
    out: Annotated[Path, typer.Option("--out", help="File to write (replaced atomically)")],
    export_format: Annotated[str, typer.Option("--format", help="vics or csv")] = "vics",
) -> None:
    """Write the case's known-illicit contents as VICS 2.0 JSON or CSV, plus OUT.manifest.json."""
    if export_format not in ("vics", "csv"):
        raise fail("--format must be 'vics' or 'csv'")
    if not out.parent.is_dir():
        raise fail(f"the folder {out.parent} does not exist")
    start_django()
    from vigil.audit.log import cli_actor
    from vigil.matching.export import export_case

    case_row = case_or_exit(case)
    result = export_case(case_row, out, export_format, actor=cli_actor())  # type: ignore[arg-type]
    console.print(
        f"Wrote {result.count:,} contents to {result.path} (sha256 {result.sha256}); "
        f"manifest {result.manifest}"
    )
