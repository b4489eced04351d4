"""`vigil triage PATH --case NAME`: ingest a seizure, every file accounted for."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from vigil.cli.app import app, console, fail, start_django

if TYPE_CHECKING:  # the models load only once Django is set up
    from vigil.pipeline.triage import RunStats, SourceSummary


class RateColumn(TextColumn):
    """Files per second over the whole run (Rich's own speed column is for bytes)."""

    def __init__(self) -> None:
        super().__init__("")
        self._started = time.monotonic()

    def render(self, task: Any) -> Any:
        elapsed = max(time.monotonic() - self._started, 1e-6)
        from rich.text import Text

        return Text(f"{task.completed / elapsed:,.1f} files/s", style="cyan")


@app.command()
def triage(
    path: Annotated[Path, typer.Argument(help="Folder, archive or file of the seizure")],
    case: Annotated[str, typer.Option("--case", help="Case name (created if new)")],
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Worker processes (default: all cores)")
    ] = None,
    executor: Annotated[
        str, typer.Option("--executor", help="process (default), dask or inline")
    ] = "process",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Dask scheduler for --executor dask (default $VIGIL_DASK_SCHEDULER)"
        ),
    ] = None,
    max_depth: Annotated[
        int | None, typer.Option("--max-depth", min=0, help="Nested archive depth (default 3)")
    ] = None,
    json_summary: Annotated[
        Path | None, typer.Option("--json-summary", help="Also write the summary as JSON here")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar")] = False,
    expected_md5: Annotated[
        str | None,
        typer.Option("--expected-md5", help="A raw image's MD5 from its acquisition log"),
    ] = None,
    expected_sha1: Annotated[
        str | None,
        typer.Option("--expected-sha1", help="A raw image's SHA-1 from its acquisition log"),
    ] = None,
) -> None:
    """Hash, type and analyse every file of a seizure; resumes where a killed run stopped.

    With --expected-md5/--expected-sha1 (a single raw image as the source), exit 1 when the
    image's hash differs from its acquisition log's."""
    if executor not in ("process", "dask", "inline"):
        raise fail("--executor must be 'process', 'dask' or 'inline'")
    if executor == "dask":
        scheduler = dask_scheduler_or_exit(scheduler)
    start_django()
    from vigil.audit.log import cli_actor
    from vigil.core.evidence import EvidenceRefused
    from vigil.pipeline.acquisition import ExpectedHashError, expected_hashes

    try:
        expected = expected_hashes(expected_md5, expected_sha1)
    except ExpectedHashError as error:
        raise fail(str(error)) from None
    if expected and not path.is_file():
        raise fail("--expected-md5/--expected-sha1 need a single image file as the source")
    from vigil.pipeline.executors.dask import ClusterUnavailable
    from vigil.pipeline.service import triage as run_triage
    from vigil.pipeline.triage import TriageLocked

    show_progress = not (quiet or as_json)
    progress = Progress(
        TextColumn("[bold]triage"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        disable=not show_progress,
        transient=True,
    )
    with progress:
        bar = progress.add_task("triage", total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(bar, completed=done, total=total)

        try:
            summary, stats = run_triage(
                case,
                path.absolute(),
                executor=executor,  # type: ignore[arg-type]
                workers=workers,
                scheduler=scheduler,
                max_depth=max_depth,
                on_progress=on_progress,
                actor=cli_actor(),
            )
        except EvidenceRefused as error:
            raise fail(escape(f"{error}\n{roots_hint()}")) from None
        except TriageLocked as error:
            raise fail(str(error)) from None
        except ClusterUnavailable as error:
            resume = "Nothing recorded is lost: the same command resumes the run."
            raise fail(f"{error}\n{resume}") from None
    verified = _check_acquisition(case, summary.path, expected) if expected else None
    document = summary_document(case, summary, stats)
    if verified is not None:
        document["acquisition_verified"] = verified
    if json_summary is not None:
        json_summary.write_text(json.dumps(document, indent=2) + "\n")
    if as_json:
        print(json.dumps(document, indent=2))
    elif not quiet:
        print_summary(summary, stats, document["sources"][0]["errors"])
        if verified:
            names = ", ".join(name.upper() for name in expected)
            console.print(f"Acquisition check: {names} as the acquisition log states.")
    if not summary.adds_up:
        raise fail("the counts do not add up: enumerated != processed + failed", code=3)
    if verified is False:
        raise fail(
            "the image's hash differs from its acquisition log's: it is not what was acquired",
            code=1,
        )


def _check_acquisition(case: str, source_path: str, expected: dict[str, str]) -> bool:
    from vigil.audit.log import cli_actor
    from vigil.pipeline.acquisition import ExpectedHashError, check_source_image
    from vigil.records.cases.models import Source

    source = Source.objects.get(case__name=case, path=source_path)
    try:
        check = check_source_image(source, expected, cli_actor())
    except ExpectedHashError as error:
        raise fail(str(error)) from None
    return check.verified


def roots_hint() -> str:
    """For the operator at the console (never for the API): where evidence may be read from."""
    from vigil.pipeline.evidence import listed_roots

    roots = listed_roots()
    if not roots:
        return (
            "No evidence roots are declared: set VIGIL_EVIDENCE_ROOTS=/mnt/seizures or run "
            "`vigil roots add /mnt/seizures`. The instance folder (VIGIL_HOME) is never evidence."
        )
    listed = ", ".join(path for path, _ in roots)
    return f"Evidence roots: {listed}. The instance folder (VIGIL_HOME) is never evidence."


def dask_scheduler_or_exit(given: str | None) -> str:
    from vigil.config import ConfigError, dask_scheduler

    try:
        address = dask_scheduler(given)
    except ConfigError as error:
        raise fail(str(error)) from None
    if address is None:
        raise fail("--executor dask needs --scheduler tcp://HOST:8786 (or VIGIL_DASK_SCHEDULER)")
    return address


def summary_document(case: str, summary: SourceSummary, stats: RunStats) -> dict[str, Any]:
    from vigil.records.cases.models import Item, Source

    source = Source.objects.get(case__name=case, path=summary.path)
    errors: dict[str, int] = {}
    for code in Item.objects.filter(source=source, status="failed").values_list(
        "error_code", flat=True
    ):
        errors[code or "unknown"] = errors.get(code or "unknown", 0) + 1
    return {
        "case": case,
        "items": summary.enumerated,
        "sources": [
            {
                "path": summary.path,
                "kind": summary.kind,
                "status": summary.status,
                "enumerated": summary.enumerated,
                "processed": summary.processed,
                "failed": summary.failed,
                "adds_up": summary.adds_up,
                "already_complete": summary.already_complete,
                "errors": dict(sorted(errors.items())),
            }
        ],
        "run": {
            "items_written": stats.items_written,
            "resumed_pending": stats.resumed_pending,
            "skipped_already_recorded": stats.skipped_recorded,
            "bytes_read": stats.bytes_read,
            "seconds": round(stats.seconds, 3),
            "files_per_s": round(stats.items_written / stats.seconds, 1) if stats.seconds else None,
        },
    }


def print_summary(summary: SourceSummary, stats: RunStats, errors: dict[str, int]) -> None:
    if summary.already_complete:
        console.print(f"[yellow]Already triaged:[/yellow] {summary.path} (nothing added)")
    table = Table(title="Triage summary", show_lines=False)
    for column in ("source", "enumerated", "processed", "failed", "adds up"):
        table.add_column(column, justify="left" if column == "source" else "right")
    table.add_row(
        summary.path,
        f"{summary.enumerated:,}",
        f"{summary.processed:,}",
        f"{summary.failed:,}",
        "[green]yes[/green]" if summary.adds_up else "[red]NO[/red]",
    )
    console.print(table)
    if stats.seconds:
        rate = stats.items_written / stats.seconds
        console.print(
            f"{stats.items_written:,} items in {stats.seconds:.1f} s ({rate:,.1f} files/s, "
            f"{stats.bytes_read / 1e6 / stats.seconds:,.1f} MB/s read)"
        )
    if errors:
        listed = ", ".join(f"{code} {count:,}" for code, count in errors.items())
        console.print(f"Failed items by reason: {listed} (`vigil items --status failed`).")
    if stats.resumed_pending or stats.skipped_recorded:
        console.print(
            f"Resumed: {stats.skipped_recorded:,} entries already recorded, "
            f"{stats.resumed_pending:,} pending archive members picked up."
        )
