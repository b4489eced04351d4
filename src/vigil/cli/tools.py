"""`vigil tools`: the agency's tools, their risk assessments, approvals and measured precision.

`--user` names the Vigil user who acts: CLI operators are trusted OS users, and the user must
exist and hold the role the action needs (see vigil.governance.workflow).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table

from vigil.cli.app import app, console, fail, start_django

if TYPE_CHECKING:
    from vigil.analyzers.base import Analyzer
    from vigil.governance.answers import Answers

tools_app = typer.Typer(
    help="Tools, their risk assessments and approvals in this agency.", no_args_is_help=True
)
app.add_typer(tools_app, name="tools")

UserOption = Annotated[str, typer.Option("--user", help="The acting Vigil user")]


def _tool(name: str) -> type[Analyzer]:
    from vigil.analyzers.registry import default_registry

    try:
        return default_registry().get(name)
    except KeyError as error:
        raise fail(str(error.args[0])) from None


@tools_app.command("ls")
def ls(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON")] = False,
) -> None:
    """List every tool: AI or not, risk level and state in this agency, measured precision."""
    start_django()
    from vigil.accounts.services import default_agency
    from vigil.analyzers.registry import default_registry
    from vigil.governance.precision import Precision, precision_by_tool
    from vigil.governance.standing import standing

    agency = default_agency()
    precision = precision_by_tool()
    rows: list[dict[str, Any]] = []
    for tool in default_registry():
        now = standing(tool, agency)
        measured = precision.get(tool.name, Precision(0, 0))
        rows.append(
            {
                "name": tool.name,
                "title": tool.title,
                "ai": tool.uses_ai,
                "level": now.level or _default_level(tool),
                "state": now.state,
                "allowed": now.allowed,
                "precision": measured.value,
                "decided": measured.decided,
            }
        )
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title=f"Tools in {agency}")
    for column in ("tool", "AI", "risk", "state", "may run", "precision"):
        table.add_column(column)
    for row in rows:
        shown = "-" if row["precision"] is None else f"{row['precision']:.0%} of {row['decided']}"
        table.add_row(
            row["name"],
            "AI" if row["ai"] else "no",
            row["level"],
            row["state"],
            "yes" if row["allowed"] else "no",
            shown,
        )
    console.print(table)


@tools_app.command("show")
def show(name: Annotated[str, typer.Argument(help="Tool name")]) -> None:
    """Everything about a tool: model, model card, default assessment, approvals, precision."""
    start_django()
    from vigil.accounts.services import default_agency
    from vigil.governance.answers import AnswersError
    from vigil.governance.gate import who_can_approve
    from vigil.governance.precision import measured_precision
    from vigil.governance.standing import standing
    from vigil.governance.workflow import default_answers

    tool = _tool(name)
    agency = default_agency()
    console.rule(f"{tool.title} — {tool.name} {tool.version}")
    console.print(tool.summary)
    kind = "AI (its output is a suggestion until a person decides)" if tool.uses_ai else "not AI"
    console.print(f"Kind: {kind}{'; a triage step' if tool.triage_step else ''}")
    model = tool.model()
    if model is None:
        console.print("Model: none (deterministic)")
    else:
        console.print(f"Model: {model.name}\n  origin: {model.origin}\n  licence: {model.licence}")
        console.print(f"  SHA-256: {model.digest}")
    console.print(Panel(Markdown(tool.model_card()), title="Model card"))
    console.print(f"Measured precision in {agency}: {measured_precision(tool.name)}")

    now = standing(tool, agency)
    console.rule(f"In {agency}")
    console.print(f"State: {now.state}; risk level: {now.level or '-'}")
    console.print("May run in casework: yes" if now.allowed else f"May not run: {now.problem}")
    if not now.allowed:
        console.print(who_can_approve(agency, tool.name))
    for assessment in {a.pk: a for a in (now.in_force, now.latest) if a is not None}.values():
        _print_assessment(assessment)

    console.rule("Default risk assessment (the package's risk.yaml)")
    try:
        _print_answers(default_answers(tool))
    except AnswersError as error:
        console.print(f"[red]The package's risk.yaml has problems:[/red]\n{error}")


@tools_app.command("assess")
def assess(
    name: Annotated[str, typer.Argument(help="Tool name")],
    user: UserOption,
    answers_file: Annotated[
        Path | None,
        typer.Option("--answers", help="This agency's answers (default: the package's risk.yaml)"),
    ] = None,
    submit: Annotated[bool, typer.Option("--submit", help="Submit it for approval")] = False,
) -> None:
    """Record this agency's risk assessment of a tool (a draft, or submitted with --submit)."""
    start_django()
    from vigil.governance.answers import AnswersError, load_answers
    from vigil.governance.workflow import GovernanceError
    from vigil.governance.workflow import assess as record_assessment

    tool = _tool(name)
    try:
        answers = load_answers(answers_file) if answers_file else None
        assessment = record_assessment(tool, answers, user, submit_now=submit)
    except (AnswersError, GovernanceError) as error:
        raise fail(str(error)) from None
    level = assessment.level or "none (not lawful)"
    console.print(
        f"{tool.name}: assessment v{assessment.version} is {assessment.state}; risk level {level}."
    )
    if assessment.state_reason:
        console.print(assessment.state_reason)
    from vigil.governance.workflow import stored_answers

    unanswered = stored_answers(assessment).unanswered()
    if unanswered and assessment.state == "draft":
        console.print(
            f"[yellow]{len(unanswered)} questions unanswered[/yellow] (needed to submit): "
            + ", ".join(unanswered)
        )


def _vote(name: str, user: str, approve: bool, reason: str) -> None:
    start_django()
    from vigil.governance.scoring import approvers_needed
    from vigil.governance.workflow import GovernanceError, vote

    tool = _tool(name)
    try:
        assessment = vote(tool, user, approve, reason)
    except GovernanceError as error:
        raise fail(str(error)) from None
    if assessment.state == "submitted":
        have = assessment.votes.count()
        needed = approvers_needed(assessment.level)
        console.print(
            f"{tool.name} v{assessment.version} ({assessment.level} risk): {have} of {needed} "
            "approvals; another governance officer must approve it too."
        )
    else:
        console.print(
            f"{tool.name} v{assessment.version} is {assessment.state}: {assessment.state_reason}"
        )


@tools_app.command("approve")
def approve(
    name: Annotated[str, typer.Argument(help="Tool name")],
    user: UserOption,
    reason: Annotated[str, typer.Option(help="Why, for the record")] = "",
) -> None:
    """Approve the submitted assessment (governance officers; high risk needs two)."""
    _vote(name, user, True, reason)


@tools_app.command("reject")
def reject(
    name: Annotated[str, typer.Argument(help="Tool name")],
    user: UserOption,
    reason: Annotated[str, typer.Option(help="Why; kept with the assessment")],
) -> None:
    """Reject the submitted assessment (governance officers)."""
    _vote(name, user, False, reason)


@tools_app.command("suspend")
def suspend(
    name: Annotated[str, typer.Argument(help="Tool name")],
    user: UserOption,
    reason: Annotated[str, typer.Option(help="Why it must stop")],
) -> None:
    """Stop an approved tool from running in casework until it is reinstated."""
    _transition(name, user, reason, reinstating=False)


@tools_app.command("reinstate")
def reinstate(
    name: Annotated[str, typer.Argument(help="Tool name")],
    user: UserOption,
    reason: Annotated[str, typer.Option(help="Why it may run again")],
) -> None:
    """Lift a suspension."""
    _transition(name, user, reason, reinstating=True)


def _transition(name: str, user: str, reason: str, *, reinstating: bool) -> None:
    start_django()
    from vigil.governance import workflow

    tool = _tool(name)
    action = workflow.reinstate if reinstating else workflow.suspend
    try:
        assessment = action(tool, user, reason)
    except workflow.GovernanceError as error:
        raise fail(str(error)) from None
    console.print(f"{tool.name} is {assessment.state}: {assessment.state_reason}")


# -- printing ----------------------------------------------------------------------------------


def _default_level(tool: type[Analyzer]) -> str:
    from vigil.governance.answers import AnswersError
    from vigil.governance.workflow import default_answers

    try:
        level = default_answers(tool).level
    except AnswersError:
        return "? (risk.yaml has problems)"
    return f"{level or 'not lawful'} (default)"


def _print_assessment(assessment: Any) -> None:
    when = assessment.decided_at or assessment.submitted_at or assessment.created_at
    console.print(
        f"\nAssessment v{assessment.version} for version {assessment.tool_version}"
        f"{' model ' + assessment.model_digest[:12] if assessment.model_digest else ''}: "
        f"{assessment.state} ({when:%Y-%m-%d %H:%M} UTC), level {assessment.level or '-'}, "
        f"by {assessment.created_by.username}"
    )
    if assessment.state_reason:
        console.print(f"  {assessment.state_reason}")
    if assessment.reassess_by:
        console.print(f"  Re-assess by {assessment.reassess_by.isoformat()}")
    for vote in assessment.votes.select_related("user").order_by("at"):
        why = f": {vote.reason}" if vote.reason else ""
        console.print(f"  {vote.at:%Y-%m-%d %H:%M} {vote.user.username} {vote.verdict}s{why}")


def _print_answers(answers: Answers) -> None:
    use = answers.use_case
    console.print(f"Purpose: {use.purpose}")
    for label, value in (
        ("Data", use.data),
        ("Deployment", use.deployment),
        ("Model version", use.model_version),
    ):
        if value:
            console.print(f"{label}: {value}")
    law = answers.lawfulness
    for label, statement in (
        ("Legal basis", law.legal_basis),
        ("Necessity", law.necessity),
        ("Proportionality", law.proportionality),
    ):
        console.print(f"{label}: {statement if statement is not None else 'NO'}")
    if not law.passed:
        console.print(f"[red]Not lawful[/red]: no {', no '.join(law.failures)}")
        return
    table = Table(title=f"Risks present (level {answers.level})")
    for column in ("question", "inherent", "mitigations", "residual"):
        table.add_column(column)
    for risk in answers.risks:
        if risk.present:
            table.add_row(
                risk.id,
                f"{risk.likelihood}×{risk.severity} = {risk.inherent_score} {risk.inherent_band}",
                "\n".join(risk.mitigations) or "-",
                f"{risk.residual_likelihood}×{risk.residual_severity} = "
                f"{risk.residual_score} {risk.residual_band}",
            )
    console.print(table)
    absent = [risk.id for risk in answers.risks if not risk.present]
    if absent:
        console.print(f"Not present: {', '.join(absent)}")
    unanswered = answers.unanswered()
    if unanswered:
        console.print(f"Unanswered: {', '.join(unanswered)}")
    console.print(f"Re-assess after {answers.reassess_after_months} months or a model change.")
