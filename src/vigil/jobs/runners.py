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
    """The job's governed run (governance.runs), the gate asked again."""
    from vigil.governance.gate import ToolRefused
    from vigil.governance.runs import RunUnavailable, perform_run, rerun_of, summary_counts
    from vigil.records.analysis.models import AnalysisRun

    parameters = job.parameters
    run = AnalysisRun.objects.select_related("case").filter(run_id=parameters.get("run_id")).first()
    if run is None:
        raise PermanentFailure(f"the run of job {job.pk} is not in this instance")
    try:
        if run.status != AnalysisRun.Status.QUEUED:
            # An earlier attempt started it and keeps what it saved: a retry is a run of its own.
            run = rerun_of(run, via="background job")
            Job.objects.filter(pk=job.pk).update(
                parameters={**parameters, "run_id": str(run.run_id)}
            )
        summary = perform_run(
            run, via="background job", workers=parameters.get("workers"), on_progress=progress
        )
    except RunUnavailable as error:
        raise PermanentFailure(str(error)) from None
    except ToolRefused as refusal:  # the gate has written the refusal to the audit log
        raise PermanentFailure(f"refused: {refusal}") from None
    return summary_counts(summary)


RUNNERS: dict[str, Runner] = {
    Job.Kind.TRIAGE: run_triage,
    Job.Kind.MATCH: run_match,
    Job.Kind.ANALYSIS: run_analysis,
}
