"""`vigil demo`: build a small benign sample seizure and triage it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from vigil import config
from vigil.cli.app import app, console


@app.command()
def demo(
    case: Annotated[str, typer.Option("--case", help="Case to triage into")] = "demo",
    dest: Annotated[
        Path | None,
        typer.Option(
            "--dest",
            help="Where to build it (default: beside VIGIL_HOME, as VIGIL_HOME-demo-seizure; "
            "never inside it, since the instance folder is never evidence)",
        ),
    ] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1)] = None,
) -> None:
    """Build a synthetic sample seizure (photos with EXIF and GPS, nested zips, a corrupt file,
    a short video) and triage it on the embedded default. The folder that holds it is declared
    an evidence root (audited), as an administrator would declare a seizure share."""
    from vigil.cli.app import fail, start_django
    from vigil.cli.triage import triage
    from vigil.demo.sample import build_sample_seizure

    home = config.vigil_home()
    folder = (dest or home.parent / f"{home.name}-demo-seizure").absolute()
    folder.mkdir(parents=True, exist_ok=True)
    build_sample_seizure(folder)
    console.print(f"Sample seizure in [bold]{escape(str(folder))}[/bold]")
    start_django()
    from vigil.audit.log import cli_actor
    from vigil.pipeline.evidence import RootRefused, declare_root

    try:
        declare_root(folder, actor=cli_actor())
    except RootRefused as error:
        raise fail(escape(str(error))) from None
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
