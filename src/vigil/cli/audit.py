"""`vigil audit verify|export|head|ls`: check, export and read the tamper-evident audit log.

Reading the log is itself recorded: `head` and `ls` record before they show anything (no
unrecorded read), `verify` records its outcome after verifying, `export` records before the
file is put in place.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from vigil.cli.app import app, console, fail, start_django

audit_app = typer.Typer(
    name="audit",
    help="Verify, export and read the hash-chained audit log.",
    no_args_is_help=True,
)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
    allow_missing_anchor: Annotated[
        bool,
        typer.Option(
            "--allow-missing-anchor",
            help="Accept a log without its anchor file (moved aside on purpose after a restore)",
        ),
    ] = False,
) -> None:
    """Re-hash the whole chain and check it against the anchor; exit 1 at the first bad entry
    or without an anchor, 2 without an instance. Neither creates the instance nor the anchor."""
    # A mistyped VIGIL_HOME must not become a new, empty instance whose log "is intact".
    start_django(must_exist=True)
    from vigil.audit.log import cli_actor, record, verify_log

    result = verify_log(allow_missing_anchor=allow_missing_anchor)
    first = result.first
    record(
        "audit.verify",
        actor=cli_actor(),
        outcome="ok" if result.ok else "failed",
        details={
            "checked": result.checked,
            "problems": result.problem_count,
            "first": None if first is None else {"position": first.position, "kind": first.kind},
            "allow_missing_anchor": allow_missing_anchor,
        },
        # The anchor is the evidence verify checks against: never created or moved by it, or a
        # deleted anchor would come back at a cut tail.
        move_anchor=False,
    )
    if as_json:
        print(json.dumps(result.as_dict(), indent=2))
    else:
        console.print(f"Checked {result.checked:,} audit entries.", highlight=False)
        if result.head is not None:
            console.print(f"head  {result.head.seq} {result.head.hash}", highlight=False)
        for note in result.notes:
            console.print(f"[yellow]Note:[/yellow] {escape(note)}")
        if first is None:
            console.print("[green]The audit log is intact.[/green]")
        elif result.problem_count == 1 and first.kind == "anchor_missing":
            console.print(
                f"[red]The audit log cannot be checked for a cut tail[/red]: "
                f"{escape(first.message)}",
                highlight=False,
            )
        else:
            console.print(
                f"[red]The audit log was tampered with[/red]: first bad position "
                f"{first.position if first.position is not None else 'anchor'} "
                f"({first.kind}): {escape(first.message)}",
                highlight=False,
            )
            for problem in result.problems[1:]:
                console.print(
                    f"  then {problem.position} ({problem.kind}): {escape(problem.message)}",
                    highlight=False,
                )
            if result.problem_count > len(result.problems):
                console.print(f"  ... {result.problem_count - len(result.problems)} more")
        if any(problem.kind == "anchor_missing" for problem in result.problems):
            console.print(
                "If the anchor was moved aside on purpose (a restored database), run "
                "`vigil audit verify --allow-missing-anchor`; the next entry of another "
                "command then writes a new anchor.",
                highlight=False,
            )
    if not result.ok:
        raise typer.Exit(1)


@audit_app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", help="JSON lines file to write")],
) -> None:
    """Write every entry, with its prev_hash and hash, as canonical JSON lines."""
    if not out.parent.is_dir() or out.is_dir():
        raise fail(f"cannot write a file at {out}")
    start_django()
    from vigil.audit.chain import canonical_json
    from vigil.audit.log import cli_actor, current_head, entries, record
    from vigil.core.fs import atomic_file

    head = current_head()
    digest, count = hashlib.sha256(), 0
    with atomic_file(out) as handle:
        for row in entries(up_to=head.seq if head else 0):
            line = canonical_json(row.to_chain_entry().as_dict()) + b"\n"
            handle.write(line)
            digest.update(line)
            count += 1
        # Recorded before the file appears: an export that cannot be recorded is not made.
        record(
            "audit.export",
            actor=cli_actor(),
            details={
                "out": str(out.resolve()),
                "entries": count,
                "head_seq": head.seq if head else 0,
                "sha256": digest.hexdigest(),
            },
        )
    console.print(f"Exported {count:,} audit entries to {escape(str(out))}", highlight=False)
    console.print(f"sha256 {digest.hexdigest()}", highlight=False)


@audit_app.command("head")
def head_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON")] = False,
) -> None:
    """Print the head of the chain (seq and hash) for notarisation outside Vigil."""
    start_django()
    from vigil.audit.log import cli_actor, record

    # This read is the newest entry, so the head printed is the head at this moment.
    entry = record("audit.read", actor=cli_actor(), details={"what": "head"})
    if as_json:
        print(json.dumps({"seq": entry.seq, "hash": entry.hash, "created_at": entry.created_at}))
    else:
        console.print(f"seq   {entry.seq}\nhash  {entry.hash}\nat    {entry.created_at}")


@audit_app.command("ls")
def ls_command(
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many recent entries")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON")] = False,
) -> None:
    """List the most recent audit entries, oldest first."""
    start_django()
    from vigil.audit.log import cli_actor, recent, record

    record("audit.read", actor=cli_actor(), details={"what": "ls", "limit": limit})
    rows = recent(limit)
    if as_json:
        print(json.dumps([row.to_chain_entry().as_dict() for row in rows], indent=2))
        return
    table = Table(title="Audit log", show_lines=False)
    table.add_column("seq", justify="right", no_wrap=True)
    table.add_column("at (UTC)", min_width=27, no_wrap=True)
    table.add_column("actor")
    table.add_column("action", no_wrap=True)
    table.add_column("case")
    table.add_column("item", justify="right")
    table.add_column("outcome", no_wrap=True)
    table.add_column("purpose")
    for row in rows:
        table.add_row(
            str(row.seq),
            row.created_at,
            escape(row.actor),
            row.action,
            escape(row.case_name or ""),
            "" if row.item_id is None else str(row.item_id),
            row.outcome,
            escape(row.purpose),
        )
    console.print(table)
