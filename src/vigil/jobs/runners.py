"""What each kind of job does once a worker has claimed it: the same service calls as the CLI
(`vigil triage`, `vigil match`, `vigil analyze`), with the job's progress callback.

A runner returns the counts to keep on the job, raises PermanentFailure for what a retry cannot
mend (a tool the governance refuses), and lets anything else propagate to be retried.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils import timezone

from vigil.audit.log import record
from vigil.jobs.progress import JobProgress
from vigil.records.jobs.models import Job

Runner = Callable[[Job, JobProgress], dict[str, Any]]


class PermanentFailure(Exception):
    """A failure that trying again would only repeat: the job fails at once."""


def run_triage(job: Job, progress: JobProgress) -> dict[str, Any]:
    from vigil.pipeline.service import triage

    parameters = job.parameters
    path = Path(parameters["path"])
    # Admitted again here by the evidence policy (a root may have been withdrawn since); a
    # refusal is retried, as a share that is not mounted yet may be by the next attempt.
    summary, stats = triage(
        job.case.name,
        path,
        executor=parameters.get("executor", "process"),
        workers=parameters.get("workers"),
        max_depth=parameters.get("max_depth"),
        on_progress=progress,
        actor=job.requested_by,
        via="background job",
    )
    return {
        "status": summary.status,
        "enumerated": summary.enumerated,
        "processed": summary.processed,
        "failed": summary.failed,
        "already_complete": summary.already_complete,
        "items_written": stats.items_written,
    }


def run_match(job: Job, progress: JobProgress) -> dict[str, Any]:
    from vigil.matching.engine import match_case

    summary = match_case(job.case, on_progress=progress, actor=job.requested_by)
    counts = dataclasses.asdict(summary)
    counts["seconds"] = round(summary.seconds, 3)
    return counts


def run_analysis(job: Job, progress: JobProgress) -> dict[str, Any]:
    """`vigil analyze` in the background: the gate is asked again, as `vigil run-queued` does,
    since an approval may have been suspended while the job waited."""
    from django.contrib.auth import get_user_model

    from vigil.accounts.services import agency_of
    from vigil.analyzers.registry import default_registry
    from vigil.governance.gate import ToolRefused, check_tool_allowed
    from vigil.pipeline.analysis import execute_run, start_run
    from vigil.pipeline.service import instance_store
    from vigil.records.analysis.models import AnalysisRun

    parameters = job.parameters
    tool, case_name = parameters["tool"], job.case.name
    user = get_user_model().objects.filter(username=job.requested_by, is_active=True).first()
    if user is None:
        raise PermanentFailure(f"{job.requested_by!r} is no longer an active Vigil user")
    analyzer = default_registry().get(tool)
    missing = analyzer.missing_dependency()
    if missing:
        raise PermanentFailure(f"{tool} cannot run on this worker: {missing}")
    try:
        check_tool_allowed(
            tool,
            case_name=case_name,
            actor=user.username,
            legal_basis=parameters.get("legal_basis", ""),
            necessity=parameters.get("necessity", ""),
            agency=agency_of(user),
        )
    except ToolRefused as refusal:  # the gate has written the refusal to the audit log
        raise PermanentFailure(f"refused: {refusal}") from None
    run = start_run(
        job.case,
        analyzer,
        actor=user.username,
        legal_basis=parameters.get("legal_basis", ""),
        necessity=parameters.get("necessity", ""),
    )
    details = {"tool": tool, "run_id": str(run.run_id), "job": job.pk}
    record(
        "analysis.start",
        actor=user.username,
        case_name=case_name,
        purpose="background job",
        details={**details, "model_digest": run.model_digest},
    )
    try:
        summary = execute_run(
            run, instance_store(), workers=parameters.get("workers"), on_progress=progress
        )
    except BaseException:
        # Suggestions saved so far stay, under a run that says it did not finish.
        AnalysisRun.objects.filter(pk=run.pk).update(
            status=AnalysisRun.Status.FAILED, finished_at=timezone.now()
        )
        raise
    counts = {
        "run_id": summary.run_id,
        "analyzed": summary.analyzed,
        "suggestions": summary.suggestions,
        "failed": summary.failed,
    }
    record(
        "analysis.finish",
        actor=user.username,
        case_name=case_name,
        purpose="background job",
        details={**details, **counts},
    )
    return counts


RUNNERS: dict[str, Runner] = {
    Job.Kind.TRIAGE: run_triage,
    Job.Kind.MATCH: run_match,
    Job.Kind.ANALYSIS: run_analysis,
}
