"""Governed runs: the one path from a person's request to suggestions, for the CLI, the web
app, the API and background jobs alike.

`request_run` asks the gate (a refusal raises ToolRefused, already audited) and records the run
with its provenance (tool, version, model digest, parameters, legal basis), queued.
`perform_run` asks the gate again, as the run's own user (an approval may have been suspended
while the run waited), then executes it; its output is stored as suggestions, never findings.
Every step is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from vigil.accounts.services import agency_of
from vigil.analyzers.base import Analyzer
from vigil.analyzers.registry import default_registry
from vigil.audit.log import record
from vigil.governance.gate import check_tool_allowed
from vigil.pipeline.analysis import AnalysisSummary, execute_run, start_run
from vigil.pipeline.service import instance_store
from vigil.records.analysis.models import AnalysisRun
from vigil.records.cases.models import Case


class RunUnavailable(Exception):
    """The run cannot take place as asked, whatever the governance says: an unknown tool, a
    tool whose dependencies this machine lacks, a user no longer active."""


def tool_named(tool: str) -> type[Analyzer]:
    try:
        return default_registry().get(tool)
    except KeyError:
        raise RunUnavailable(f"no tool named {tool!r} (see `vigil tools ls`)") from None


def request_run(
    case: Case,
    tool: str,
    user: Any,
    *,
    legal_basis: str = "",
    necessity: str = "",
    via: str,
) -> AnalysisRun:
    """A queued run of `tool` on `case` for `user`, once the gate allows it."""
    analyzer = tool_named(tool)
    _ask_gate(analyzer, case, user, legal_basis, necessity)
    run = start_run(
        case,
        analyzer,
        actor=user.username,
        legal_basis=legal_basis,
        necessity=necessity,
        status=AnalysisRun.Status.QUEUED,
    )
    record(
        "analysis.queued",
        actor=user.username,
        case_name=case.name,
        purpose=via,
        details={
            "tool": tool,
            "run_id": str(run.run_id),
            "model_digest": run.model_digest,
            "legal_basis": legal_basis,
            "necessity": necessity,
        },
    )
    return run


def rerun_of(run: AnalysisRun, *, via: str) -> AnalysisRun:
    """A new queued run with the same request, for a retry of one that did not finish."""
    return request_run(
        run.case,
        run.tool,
        _active_user(run),
        legal_basis=run.legal_basis,
        necessity=run.necessity,
        via=via,
    )


def perform_run(
    run: AnalysisRun,
    *,
    via: str,
    workers: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> AnalysisSummary:
    """Executes a queued run after the gate has said yes again, for the run's own user."""
    user = _active_user(run)
    analyzer = runnable_tool(run.tool)
    try:
        _ask_gate(analyzer, run.case, user, run.legal_basis, run.necessity)
    except Exception:
        _finished(run, AnalysisRun.Status.FAILED)
        raise
    return _execute(run, user, via, workers, on_progress)


def run_now(
    case: Case,
    tool: str,
    user: Any,
    *,
    legal_basis: str = "",
    necessity: str = "",
    via: str,
    workers: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> AnalysisSummary:
    """Requests and performs a run in this process (`vigil analyze`): one gate decision."""
    runnable_tool(tool)  # first: no permit is recorded for a run that cannot happen here
    run = request_run(case, tool, user, legal_basis=legal_basis, necessity=necessity, via=via)
    return _execute(run, user, via, workers, on_progress)


def runnable_tool(tool: str) -> type[Analyzer]:
    analyzer = tool_named(tool)
    missing = analyzer.missing_dependency()
    if missing:
        raise RunUnavailable(f"{tool} cannot run on this machine: {missing}")
    return analyzer


def _execute(
    run: AnalysisRun,
    user: Any,
    via: str,
    workers: int | None,
    on_progress: Callable[[int, int], None] | None,
) -> AnalysisSummary:
    """A run that stops half way keeps the suggestions saved so far, under a status that says
    it did not finish."""
    AnalysisRun.objects.filter(pk=run.pk).update(status=AnalysisRun.Status.RUNNING)
    details = {"tool": run.tool, "run_id": str(run.run_id)}
    record(
        "analysis.start",
        actor=user.username,
        case_name=run.case.name,
        purpose=via,
        details={**details, "model_digest": run.model_digest},
    )
    try:
        summary = execute_run(run, instance_store(), workers=workers, on_progress=on_progress)
    except BaseException:
        _finished(run, AnalysisRun.Status.FAILED)
        raise
    record(
        "analysis.finish",
        actor=user.username,
        case_name=run.case.name,
        purpose=via,
        details={**details, **summary_counts(summary)},
    )
    return summary


def summary_counts(summary: AnalysisSummary) -> dict[str, Any]:
    return {
        "run_id": summary.run_id,
        "analyzed": summary.analyzed,
        "suggestions": summary.suggestions,
        "failed": summary.failed,
    }


def _active_user(run: AnalysisRun) -> Any:
    user = get_user_model().objects.filter(username=run.started_by, is_active=True).first()
    if user is None:
        raise RunUnavailable(f"{run.started_by!r} is no longer an active Vigil user")
    return user


def _ask_gate(
    analyzer: type[Analyzer], case: Case, user: Any, legal_basis: str, necessity: str
) -> None:
    check_tool_allowed(
        analyzer.name,
        case_name=case.name,
        actor=user.username,
        legal_basis=legal_basis,
        necessity=necessity,
        agency=agency_of(user),
    )


def _finished(run: AnalysisRun, status: str) -> None:
    AnalysisRun.objects.filter(pk=run.pk).update(status=status, finished_at=timezone.now())
