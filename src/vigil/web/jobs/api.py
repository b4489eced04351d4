"""REST endpoints for background jobs, mounted on the main API (same authentication, same
case rules as every operation: vigil.web.access; a non-member gets 404):

POST /cases/{case}/jobs       start a triage, match or analysis job (202)
GET  /cases/{case}/jobs       the case's jobs, newest first, with their progress
GET  /jobs/{job_id}           one job
POST /jobs/{job_id}/cancel    cancel it (queued: at once; running: at its next progress)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from vigil.jobs.bounds import MAX_DEPTH, MAX_WORKERS
from vigil.jobs.service import job_document
from vigil.web.access import Action, api_rule, case_named, require_case_member

router = Router(tags=["jobs"])


class JobIn(Schema):
    kind: Literal["triage", "match", "analysis"]
    # triage: the seizure, an absolute path under an evidence root, as the worker sees it
    path: str = Field("", max_length=4096)
    executor: Literal["process", "inline", "dask"] = "process"
    workers: int | None = Field(None, ge=1, le=MAX_WORKERS)
    max_depth: int | None = Field(None, ge=0, le=MAX_DEPTH)
    tool: str = Field("", max_length=100)  # analysis
    legal_basis: str = Field("", max_length=2000)
    necessity: str = Field("", max_length=2000)


class JobOut(Schema):
    id: int
    kind: str
    case: str
    status: str
    cancel_requested: bool
    progress_done: int
    progress_total: int | None
    attempts: int
    max_attempts: int
    error: str
    result: dict[str, Any]
    parameters: dict[str, Any]
    requested_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@router.post("/cases/{case}/jobs", response={202: JobOut})
@api_rule(Action.ANALYSE)
def start_job(request: HttpRequest, case: str, body: JobIn) -> Status:
    """Queue work on a case the caller is a member of (cases are created in the web app)."""
    from vigil.governance.gate import ToolRefused
    from vigil.jobs import service

    user = request.auth  # type: ignore[attr-defined]
    case_row = case_named(user, case, Action.ANALYSE)
    try:
        if body.kind == "triage":
            if not body.path:
                raise HttpError(422, "a triage job needs the path of the seizure")
            job = service.enqueue_triage(
                case_row.name,
                body.path,
                user,
                executor=body.executor,
                workers=body.workers,
                max_depth=body.max_depth,
            )
        elif body.kind == "match":
            job = service.enqueue_match(case_row, user)
        else:
            job = service.enqueue_analysis(
                case_row,
                body.tool,
                user,
                legal_basis=body.legal_basis,
                necessity=body.necessity,
                workers=body.workers,
            )
    except service.JobRequestError as error:
        raise HttpError(422, str(error)) from None
    except ToolRefused as refusal:  # the gate has written the refusal to the audit log
        raise HttpError(403, str(refusal)) from None
    return Status(202, job_document(job))


@router.get("/cases/{case}/jobs", response=list[JobOut])
@api_rule(Action.VIEW)
def list_jobs(request: HttpRequest, case: str) -> list[dict[str, Any]]:
    from vigil.records.jobs.models import Job

    case_row = case_named(request.auth, case, Action.VIEW)  # type: ignore[attr-defined]
    jobs = Job.objects.filter(case=case_row).select_related("case").order_by("-id")
    return [job_document(job) for job in jobs]


@router.get("/jobs/{job_id}", response=JobOut)
@api_rule(Action.VIEW)
def get_job(request: HttpRequest, job_id: int) -> dict[str, Any]:
    return job_document(_job_for(request, job_id, Action.VIEW))


@router.post("/jobs/{job_id}/cancel", response=JobOut)
@api_rule(Action.ANALYSE)
def cancel_job(request: HttpRequest, job_id: int) -> dict[str, Any]:
    from vigil.jobs import service

    job = _job_for(request, job_id, Action.ANALYSE)
    try:
        job = service.cancel(job, request.auth.username)  # type: ignore[attr-defined]
    except service.JobRequestError as error:
        raise HttpError(409, str(error)) from None
    return job_document(job)


def _job_for(request: HttpRequest, job_id: int, action: Action) -> Any:
    """The job, under the rule of its case: 404 for anyone who is not a member."""
    from vigil.records.jobs.models import Job

    job = Job.objects.select_related("case").filter(pk=job_id).first()
    require_case_member(request.auth, job.case if job else None, action)  # type: ignore[attr-defined]
    return job
