"""`vigil verify --case NAME`: re-hash every stored copy of a case's content."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from vigil.cli.app import app, case_or_exit, console, start_django


@app.command()
def verify(
    case: Annotated[str, typer.Option("--case", help="Case name")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Re-hash the stored copies of a case's items; any mismatch or missing copy exits 1."""
    start_django()
    from vigil.audit.log import cli_actor, record
    from vigil.ops.case_verify import verify_case
    from vigil.pipeline.service import instance_store

    case_row = case_or_exit(case)
    report = verify_case(case_row, instance_store())
    record(
        "verify.case",
        actor=cli_actor(),
        outcome="ok" if report.ok else "failed",
        case_name=case,
        details={
            "checked": report.checked,
            "bytes": report.bytes,
            "problems": len(report.problems),
        },
    )
    if as_json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        console.print(f"Checked {report.checked:,} stored copies ({report.bytes:,} bytes).")
        for problem in report.problems:
            console.print(f"[red]{problem.kind}[/red] {problem.sha256} {problem.detail}")
        if report.ok:
            console.print("[green]All stored copies match their SHA-256.[/green]")
    if not report.ok:
        raise typer.Exit(1)
