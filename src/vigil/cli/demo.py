"""`vigil demo`: build a small benign sample seizure and triage it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vigil import config
from vigil.cli.app import app, console


@app.command()
def demo(
    case: Annotated[str, typer.Option("--case", help="Case to triage into")] = "demo",
    dest: Annotated[
        Path | None, typer.Option("--dest", help="Where to build it (default VIGIL_HOME/demo)")
    ] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1)] = None,
) -> None:
    """Build a synthetic sample seizure (photos with EXIF and GPS, nested zips, a corrupt file,
    a short video) and triage it on the embedded default."""
    from vigil.cli.triage import triage
    from vigil.demo.sample import build_sample_seizure

    folder = dest or config.vigil_home() / "demo-seizure"
    folder.parent.mkdir(parents=True, exist_ok=True)
    build_sample_seizure(folder)
    console.print(f"Sample seizure in [bold]{folder}[/bold]")
    triage(
        path=folder,
        case=case,
        workers=workers,
        executor="process",
        max_depth=None,
        json_summary=None,
        as_json=False,
        quiet=False,
    )
    console.print(
        f"Next: [bold]vigil items --case {case}[/bold], [bold]vigil verify --case {case}[/bold]"
    )
