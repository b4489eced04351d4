"""`vigil backup --out DIR`, `vigil backup --verify DIR`, `vigil restore DIR`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from vigil.cli.app import app, console, err_console, fail, start_django


@app.command()
def backup(
    out: Annotated[
        Path | None, typer.Option("--out", help="New folder to write the backup into")
    ] = None,
    verify: Annotated[
        Path | None, typer.Option("--verify", help="Check an existing backup folder instead")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
) -> None:
    """Back up the database, the evidence store and the audit anchor (safe while Vigil runs),
    or re-check a backup against its manifest; exit 1 on any problem."""
    if (out is None) == (verify is None):
        raise fail("give either --out DIR (make a backup) or --verify DIR (check one)")
    if verify is not None:
        _verify_backup(verify, as_json)
        return
    assert out is not None
    start_django()
    from vigil.audit.log import cli_actor
    from vigil.ops.backup import BackupError, create_backup
    from vigil.ops.database import DatabaseToolError

    try:
        summary = create_backup(out, actor=cli_actor())
    except (BackupError, DatabaseToolError) as error:
        raise fail(str(error)) from None
    manifest = summary.manifest
    if as_json:
        document = {
            "folder": str(summary.folder),
            "manifest_sha256": summary.manifest_sha256,
            "counts": manifest["counts"],
            "audit_head": manifest["audit_head"],
            "store_problems": summary.store_problems,
        }
        print(json.dumps(document, indent=2))
    else:
        counts, head = manifest["counts"], manifest["audit_head"]
        console.print(f"Backup written to {escape(str(summary.folder))}", highlight=False)
        console.print(
            f"  {counts['cases']:,} cases, {counts['items']:,} items, {counts['blobs']:,} blobs "
            f"({counts['stored_blobs']:,} stored copies), {counts['audit_entries']:,} audit "
            f"entries; {manifest['checksums']['files']:,} files, "
            f"{manifest['checksums']['bytes']:,} bytes",
            highlight=False,
        )
        if head:
            console.print(f"  audit head {head['seq']} {head['hash']}", highlight=False)
        console.print(
            f"  manifest sha256 {summary.manifest_sha256} (keep it apart from the backup)",
            highlight=False,
        )
        for problem in summary.store_problems:
            err_console.print(f"[red]Store problem:[/red] {escape(problem)}")
    if not summary.ok:
        raise typer.Exit(1)


def _verify_backup(folder: Path, as_json: bool) -> None:
    # No database needed: a backup can be checked on any machine with Vigil installed.
    from vigil.ops.manifest import check_backup

    result = check_backup(folder)
    if as_json:
        print(json.dumps(result.as_dict(), indent=2))
    else:
        console.print(
            f"Checked {result.files:,} files ({result.bytes:,} bytes) in {escape(str(folder))}.",
            highlight=False,
        )
        for problem in result.problems:
            console.print(f"[red]Problem:[/red] {escape(problem)}", highlight=False)
        if result.problem_count > len(result.problems):
            console.print(f"  ... {result.problem_count - len(result.problems)} more")
        if result.ok:
            console.print("[green]The backup matches its manifest.[/green]")
    if not result.ok:
        raise typer.Exit(1)


@app.command()
def restore(
    folder: Annotated[Path, typer.Argument(help="Backup folder written by `vigil backup`")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Restore a backup into an empty instance (VIGIL_HOME), then verify it: manifest, row
    counts, audit chain, every stored copy re-hashed. Exit 1 on any mismatch."""
    from vigil.config import ConfigError
    from vigil.records.bootstrap import setup_django

    try:
        setup_django(migrate=False)  # the schema comes from the backup
    except ConfigError as error:
        raise fail(f"configuration: {error}") from None
    from vigil.audit.log import cli_actor
    from vigil.ops.database import DatabaseToolError
    from vigil.ops.restore import BackupDoesNotVerify, RestoreRefused, restore_backup

    try:
        report = restore_backup(folder, actor=cli_actor())
    except BackupDoesNotVerify as error:
        raise fail(str(error), code=1) from None
    except (RestoreRefused, DatabaseToolError) as error:
        raise fail(str(error)) from None
    if as_json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        console.print(f"Restored {escape(str(report.source))}", highlight=False)
        for check in report.checks:
            mark = "[green]ok[/green]  " if check.ok else "[red]FAIL[/red]"
            console.print(f"  {mark} {check.name:<7} {escape(check.detail)}", highlight=False)
        if report.ok:
            console.print("[green]The instance matches the backup.[/green]")
    if not report.ok:
        raise typer.Exit(1)
