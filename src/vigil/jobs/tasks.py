"""The django-tasks task behind every Job, and the rules of one attempt.

An attempt claims the job (queued → running), runs it, and ends it: succeeded; cancelled when a
person asked (JobCancelled from the progress callback, or a cancel seen after a failure);
queued again, after VIGIL_JOB_RETRY_DELAY seconds, while attempts remain; else failed, with the
error kept on the job. A failed attempt re-raises, so its django-tasks result says FAILED too.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from vigil import config
from vigil.audit.log import record
from vigil.jobs.progress import JobCancelled, JobProgress
from vigil.jobs.runners import RUNNERS, PermanentFailure
from vigil.records.jobs.models import Job

MAX_ERROR_CHARS = 2000


@task()
def run_job(job_id: int) -> dict[str, Any]:
    return run_attempt(job_id)


def enqueue_attempt(job: Job, *, delay_s: int = 0) -> None:
    """Hand the job to the task queue; called in the transaction that queues the job."""
    queued = run_job
    if delay_s:
        queued = run_job.using(run_after=timezone.now() + timedelta(seconds=delay_s))
    result = queued.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))


def run_attempt(job_id: int) -> dict[str, Any]:
    job = _claim(job_id)
    if job is None:  # cancelled while it waited, or already taken by another worker
        return {"job": job_id, "status": "skipped"}
    _audit(job, "job.start", details={"attempt": job.attempts})
    progress = JobProgress(job.pk)
    try:
        result = RUNNERS[job.kind](job, progress)
    except JobCancelled:
        progress.write()
        _end(job, Job.Status.CANCELLED)
        _audit(job, "job.cancelled", details={"attempt": job.attempts})
        return {"job": job.pk, "status": Job.Status.CANCELLED}
    except Exception as error:
        progress.write()
        _after_failure(job, error)
        raise
    progress.write()
    _end(job, Job.Status.SUCCEEDED, result=result, error="")
    _audit(job, "job.finish", details={"attempt": job.attempts, **result})
    return {"job": job.pk, "status": Job.Status.SUCCEEDED, **result}


def _claim(job_id: int) -> Job | None:
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, attempts=F("attempts") + 1, started_at=timezone.now()
    )
    return Job.objects.select_related("case").get(pk=job_id) if claimed else None


def _after_failure(job: Job, error: Exception) -> None:
    message = f"{type(error).__name__}: {error}"[:MAX_ERROR_CHARS]
    details = {"attempt": job.attempts, "error": message}
    if Job.objects.filter(pk=job.pk, cancel_requested=True).exists():
        _end(job, Job.Status.CANCELLED, error=message)
        _audit(job, "job.cancelled", details=details)
    elif job.attempts < job.max_attempts and not isinstance(error, PermanentFailure):
        delay = config.env_int("VIGIL_JOB_RETRY_DELAY", 60, minimum=0)
        with transaction.atomic():
            Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED, error=message)
            enqueue_attempt(job, delay_s=delay)
        _audit(job, "job.retry", outcome="failed", details={**details, "delay_s": delay})
    else:
        _end(job, Job.Status.FAILED, error=message)
        _audit(job, "job.failed", outcome="failed", details=details)


def _end(job: Job, status: str, **fields: Any) -> None:
    Job.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), **fields)


def _audit(job: Job, action: str, *, outcome: str = "ok", details: dict[str, Any]) -> None:
    record(
        action,
        actor=job.requested_by,
        outcome=outcome,
        case_name=job.case.name,
        purpose="background job",
        details={"job": job.pk, "kind": job.kind, **details},
    )
