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


def _audit(action: str, **fields: Any) -> None:
    from vigil.audit.log import record

    record(action, **fields)


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
    from vigil.accounts.services import agency_of
    from vigil.analyzers.registry import default_registry
    from vigil.governance.gate import ToolRefused, check_tool_allowed
    from vigil.pipeline.analysis import execute_run, start_run
    from vigil.pipeline.service import instance_store

    actor = _user(user)
    case_row = case_or_exit(case)
    try:
        analyzer = default_registry().get(tool)
    except KeyError as error:
        raise fail(str(error.args[0])) from None
    missing = analyzer.missing_dependency()
    if missing:
        raise fail(f"{tool} cannot run here: {missing}")
    try:
        check_tool_allowed(
            tool,
            case_name=case,
            actor=actor.username,
            legal_basis=legal_basis,
            necessity=necessity,
            agency=agency_of(actor),
        )
    except ToolRefused as refusal:  # the gate has written the refusal to the audit log
        err_console.print(f"[red]Refused:[/red] {refusal}")
        raise typer.Exit(REFUSED_EXIT) from None
    run = start_run(
        case_row, analyzer, actor=actor.username, legal_basis=legal_basis, necessity=necessity
    )
    _audit(
        "analysis.start",
        actor=actor.username,
        case_name=case,
        purpose="run tool",
        details={
            "tool": tool,
            "run_id": str(run.run_id),
            "model_digest": run.model_digest,
            "legal_basis": legal_basis,
            "necessity": necessity,
        },
    )
    summary = execute_run(run, instance_store(), workers=workers)
    _audit(
        "analysis.finish",
        actor=actor.username,
        case_name=case,
        purpose="run tool",
        details={
            "tool": tool,
            "run_id": summary.run_id,
            "analyzed": summary.analyzed,
            "suggestions": summary.suggestions,
            "failed": summary.failed,
        },
    )
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
def run_queued(
    workers: Annotated[int | None, typer.Option("--workers", min=1)] = None,
) -> None:
    """Execute analysis runs queued through the API or web app (each passed the gate when
    queued, and passes it again now: an approval may have been suspended meanwhile)."""
    start_django()
    from vigil.accounts.services import agency_of
    from vigil.governance.gate import ToolRefused, check_tool_allowed
    from vigil.pipeline.analysis import execute_run
    from vigil.pipeline.service import instance_store
    from vigil.records.analysis.models import AnalysisRun

    for run in AnalysisRun.objects.filter(status=AnalysisRun.Status.QUEUED).select_related("case"):
        try:
            check_tool_allowed(
                run.tool,
                case_name=run.case.name,
                actor=run.started_by,
                legal_basis=run.legal_basis,
                necessity=run.necessity,
                agency=agency_of(_user(run.started_by)),
            )
        except ToolRefused as refusal:
            AnalysisRun.objects.filter(pk=run.pk).update(status=AnalysisRun.Status.FAILED)
            err_console.print(f"[red]Refused[/red] {run.run_id}: {refusal}")
            continue
        AnalysisRun.objects.filter(pk=run.pk).update(status=AnalysisRun.Status.RUNNING)
        summary = execute_run(run, instance_store(), workers=workers)
        _audit(
            "analysis.finish",
            actor=run.started_by,
            case_name=run.case.name,
            purpose="queued run",
            details={
                "tool": run.tool,
                "run_id": summary.run_id,
                "analyzed": summary.analyzed,
                "suggestions": summary.suggestions,
            },
        )
        console.print(
            f"{run.run_id}: {summary.analyzed} analysed, {summary.suggestions} suggestions"
        )
