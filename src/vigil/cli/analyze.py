"""`vigil analyze`, `vigil suggestions`, `vigil decide`: governed AI tools in casework.

A tool runs on a case only through the governance gate; its output is a list of suggestions
with provenance; a person confirms or rejects each one.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from vigil.cli.app import app, case_or_exit, console, err_console, fail, start_django

REFUSED_EXIT = 3


def _user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    try:
        return get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist:
        raise fail(f"no active Vigil user named {username!r} (see `vigil user ls`)") from None


@app.command()
def analyze(
    case: Annotated[str, typer.Option("--case", help="Case name")],
    tool: Annotated[str, typer.Option("--tool", help="Analyzer name (see `vigil tools ls`)")],
    user: Annotated[str, typer.Option("--user", help="The Vigil user running the tool")],
    legal_basis: Annotated[
        str, typer.Option("--legal-basis", help="Required for high-risk tools")
    ] = "",
    necessity: Annotated[
        str, typer.Option("--necessity", help="Necessity statement (high-risk tools)")
    ] = "",
    workers: Annotated[int | None, typer.Option("--workers", min=1)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
) -> None:
    """Run an approved tool over a case; its output becomes suggestions for review."""
    start_django()
    from vigil.governance.gate import ToolRefused
    from vigil.governance.runs import RunUnavailable, run_now

    actor = _user(user)
    case_row = case_or_exit(case)
    try:
        summary = run_now(
            case_row,
            tool,
            actor,
            legal_basis=legal_basis,
            necessity=necessity,
            via="run tool",
            workers=workers,
        )
    except RunUnavailable as error:
        raise fail(str(error)) from None
    except ToolRefused as refusal:  # the gate has written the refusal to the audit log
        err_console.print(f"[red]Refused:[/red] {refusal}")
        raise typer.Exit(REFUSED_EXIT) from None
    document = {
        "run_id": summary.run_id,
        "tool": tool,
        "case": case,
        "analyzed": summary.analyzed,
        "suggestions": summary.suggestions,
        "failed": summary.failed,
    }
    if as_json:
        print(json.dumps(document, indent=2))
    else:
        console.print(
            f"{tool}: {summary.analyzed:,} contents analysed, {summary.suggestions:,} "
            f"suggestions, {summary.failed:,} failed (run {summary.run_id})."
        )
        console.print("Suggestions are not findings: review them with `vigil suggestions`.")


@app.command()
def suggestions(
    case: Annotated[str, typer.Option("--case", help="Case name")],
    tool: Annotated[str | None, typer.Option("--tool", help="Only this tool")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON")] = False,
) -> None:
    """List AI suggestions of a case with their provenance and the latest decision."""
    start_django()
    from vigil.governance.decisions import suggestion_document
    from vigil.records.analysis.models import Suggestion

    query = (
        Suggestion.objects.filter(case=case_or_exit(case))
        .select_related("run", "item")
        .prefetch_related("decisions__decided_by")
        .order_by("id")
    )
    if tool:
        query = query.filter(tool=tool)
    rows = [suggestion_document(s) for s in query]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title=f"{len(rows):,} suggestions (AI output: not findings until confirmed)")
    for column in ("id", "tool", "label", "confidence", "item", "decision"):
        table.add_column(column, overflow="fold")
    for row in rows:
        decision = row["decision"]
        table.add_row(
            str(row["id"]),
            f"{row['tool']} {row['tool_version']}",
            row["label"],
            "" if row["confidence"] is None else f"{row['confidence']:.2f}",
            row["item_path"] or "",
            decision["verdict"] if decision else "pending",
        )
    console.print(table)


@app.command()
def decide(
    suggestion_id: Annotated[int, typer.Argument(help="Suggestion id")],
    user: Annotated[str, typer.Option("--user", help="The Vigil user deciding")],
    confirm: Annotated[bool, typer.Option("--confirm/--reject", help="Confirm or reject")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept with the decision)")] = "",
) -> None:
    """Confirm or reject an AI suggestion; rejections are kept and measure the tool."""
    start_django()
    from vigil.governance.decisions import decide as record_decision
    from vigil.records.analysis.models import Decision, Suggestion

    actor = _user(user)
    try:
        suggestion = Suggestion.objects.select_related("case").get(pk=suggestion_id)
    except Suggestion.DoesNotExist:
        raise fail(f"no suggestion {suggestion_id}") from None
    verdict = Decision.Verdict.CONFIRMED if confirm else Decision.Verdict.REJECTED
    record_decision(suggestion, verdict, actor, reason, purpose="review AI output")
    console.print(f"Suggestion {suggestion.pk} {verdict} by {actor.username}.")


@app.command("run-queued")
def run_queued() -> None:
    """Run every queued background job now, analysis runs queued through the API or the web
    app included, then exit: the same as `vigil worker --batch` (one queue)."""
    from vigil.cli.worker import worker

    worker(queue="default", interval=1.0, batch=True, max_tasks=None, quiet=False)
