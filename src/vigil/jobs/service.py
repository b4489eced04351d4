"""Starting and cancelling background jobs: the one door for the web app, the API and the CLI.

Every request is written to the audit log. A job is queued in the same transaction as its
django-tasks entry, so a worker never sees one without the other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from vigil.audit.log import record
from vigil.jobs.bounds import MAX_DEPTH, MAX_WORKERS
from vigil.jobs.tasks import enqueue_attempt
from vigil.records.cases.models import Case
from vigil.records.jobs.models import DEFAULT_MAX_ATTEMPTS, Job

# "dask" sends the work to the cluster named by the worker's VIGIL_DASK_SCHEDULER.
EXECUTORS = ("process", "inline", "dask")


class JobRequestError(ValueError):
    """The job cannot be queued (or cancelled) as asked; the message says why."""


def enqueue_triage(
    case_name: str,
    path: str | Path,
    user: Any,
    *,
    executor: str = "process",
    workers: int | None = None,
    max_depth: int | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> Job:
    """Queue `vigil triage PATH --case NAME`; the case is created if it is new. The path must
    be admitted by the evidence policy now (refusals audited), and is admitted again when the
    worker starts."""
    from vigil.core.evidence import EvidenceRefused
    from vigil.pipeline.evidence import admit_source

    if not Path(path).is_absolute():
        raise JobRequestError(f"the path must be absolute (a worker has its own folder): {path}")
    if executor not in EXECUTORS:
        raise JobRequestError(f"executor must be one of {', '.join(EXECUTORS)}")
    _check_bound("workers", workers, 1, MAX_WORKERS)
    _check_bound("max_depth", max_depth, 0, MAX_DEPTH)
    if not case_name.strip():
        raise JobRequestError("a case name is required")
    try:
        # A share may not be mounted yet: where it would lie must be allowed, and the worker
        # admits it again, in full, before reading.
        source = admit_source(
            path, actor=user.username, case_name=case_name, via="job request", must_exist=False
        )
    except EvidenceRefused as refusal:
        raise JobRequestError(str(refusal)) from None
    case, _ = Case.objects.get_or_create(name=case_name)
    parameters = {
        "path": str(source),
        "executor": executor,
        "workers": workers,
        "max_depth": max_depth,
    }
    return _enqueue(Job.Kind.TRIAGE, case, user, parameters, max_attempts)


def enqueue_match(case: Case, user: Any, *, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> Job:
    """Queue `vigil match --case NAME` against every complete hash list."""
    return _enqueue(Job.Kind.MATCH, case, user, {}, max_attempts)


def enqueue_analysis(
    case: Case,
    tool: str,
    user: Any,
    *,
    legal_basis: str = "",
    necessity: str = "",
    workers: int | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    via: str = "background job",
) -> Job:
    """Queue a governed tool run (governance.runs). The gate decides now, so a refusal is told
    at once (raises ToolRefused, already audited), and again when the worker starts the run."""
    from vigil.governance.runs import RunUnavailable, request_run

    _check_bound("workers", workers, 1, MAX_WORKERS)
    try:
        run = request_run(case, tool, user, legal_basis=legal_basis, necessity=necessity, via=via)
    except RunUnavailable as error:
        raise JobRequestError(str(error)) from None
    parameters = {
        "tool": tool,
        "run_id": str(run.run_id),
        "legal_basis": legal_basis,
        "necessity": necessity,
        "workers": workers,
    }
    return _enqueue(Job.Kind.ANALYSIS, case, user, parameters, max_attempts)


def cancel(job: Job, actor: str) -> Job:
    """A queued job is cancelled at once; a running one is asked to stop and stops at its next
    progress report. A finished job cannot be cancelled."""
    now = timezone.now()
    queued = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED)
    if queued.update(status=Job.Status.CANCELLED, cancel_requested=True, finished_at=now):
        effect = "cancelled"
    elif Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(cancel_requested=True):
        effect = "stop requested"
    else:
        job.refresh_from_db()
        raise JobRequestError(f"job {job.pk} has already finished ({job.status})")
    record(
        "job.cancel",
        actor=actor,
        case_name=job.case.name,
        purpose="background job",
        details={"job": job.pk, "kind": job.kind, "effect": effect},
    )
    job.refresh_from_db()
    return job


def _check_bound(name: str, value: int | None, low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        raise JobRequestError(f"{name} must be between {low} and {high}, not {value}")


def _enqueue(
    kind: str, case: Case, user: Any, parameters: dict[str, Any], max_attempts: int
) -> Job:
    if max_attempts < 1:
        raise JobRequestError("max_attempts must be at least 1")
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            case=case,
            parameters=parameters,
            requested_by=user.username,
            max_attempts=max_attempts,
        )
        enqueue_attempt(job)
        record(
            "job.queued",
            actor=user.username,
            case_name=case.name,
            purpose="background job",
            details={"job": job.pk, "kind": kind, "parameters": parameters},
        )
    job.refresh_from_db()
    return job


def job_document(job: Any) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "case": job.case.name,
        "status": job.status,
        "cancel_requested": job.cancel_requested,
        "progress_done": job.progress_done,
        "progress_total": job.progress_total,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "error": job.error,
        "result": job.result,
        "parameters": job.parameters,
        "requested_by": job.requested_by,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }
