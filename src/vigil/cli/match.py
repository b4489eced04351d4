"""`vigil match --case NAME`: match a case's items against the hash lists again."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from vigil.cli.app import app, case_or_exit, console, start_django


@app.command()
def match(
    case: Annotated[str, typer.Option("--case", help="Case name")],
    radius: Annotated[
        int, typer.Option("--radius", min=0, max=128, help="PDQ Hamming distance for near")
    ] = 31,
    dihedral: Annotated[
        bool, typer.Option("--dihedral", help="Also match the 8 rotations and flips (PDQ)")
    ] = False,
    video_percent: Annotated[
        float,
        typer.Option(
            "--video-percent",
            min=1.0,
            max=100.0,
            help="vPDQ: share of frames (either way) for a video to match",
        ),
    ] = 80.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar")] = False,
) -> None:
    """Exact (MD5, SHA-1, SHA-256), PDQ near and vPDQ video matches; replaces the case's
    earlier result."""
    start_django()
    from vigil.audit.log import cli_actor
    from vigil.matching.engine import match_case

    case_row = case_or_exit(case)
    progress = Progress(
        TextColumn("[bold]match"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=quiet or as_json,
        transient=True,
    )
    with progress:
        bar = progress.add_task("match", total=None)
        summary = match_case(
            case_row,
            radius=radius,
            dihedral=dihedral,
            video_percent=video_percent,
            actor=cli_actor(),
            on_progress=lambda done, total: progress.update(bar, completed=done, total=total),
        )
    document = {
        "case": summary.case,
        "lists": summary.lists,
        "contents": summary.blobs,
        "exact_matches": summary.exact,
        "near_matches": summary.near,
        "video_matches": summary.video,
        "statuses": summary.statuses,
        "seconds": round(summary.seconds, 3),
    }
    if as_json:
        print(json.dumps(document, indent=2))
        return
    if quiet:
        return
    table = Table(title=f"Matched {case} against {len(summary.lists)} lists")
    table.add_column("status")
    table.add_column("items", justify="right")
    for status, count in summary.statuses.items():
        table.add_row(status, f"{count:,}")
    console.print(table)
    console.print(
        f"{summary.exact:,} exact and {summary.near:,} near matches "
        f"({summary.video:,} of them videos by vPDQ)."
    )
