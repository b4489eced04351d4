"""`vigil jobs ls|triage|match|cancel`: background jobs from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from vigil.cli.app import app, case_or_exit, console, fail, start_django

jobs_app = typer.Typer(
    name="jobs",
    help="Queue, list and cancel background jobs (run by `vigil worker`).",
    no_args_is_help=True,
)
app.add_typer(jobs_app, name="jobs")


def _user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    found = get_user_model().objects.filter(username=username, is_active=True).first()
    if found is None:
        raise fail(f"no active Vigil user named {username!r} (see `vigil user ls`)")
    return found


@jobs_app.command("ls")
def ls_command(
    case: Annotated[str | None, typer.Option("--case", help="Only this case's jobs")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON")] = False,
) -> None:
    """List jobs, newest first, with their progress and how they ended."""
    start_django()
    from vigil.jobs.service import job_document
    from vigil.records.jobs.models import Job

    jobs = Job.objects.select_related("case").order_by("-id")
    if case is not None:
        jobs = jobs.filter(case=case_or_exit(case))
    documents = [job_document(job) for job in jobs]
    if as_json:
        print(json.dumps(documents, indent=2, default=str))
        return
    table = Table(title=f"{len(documents):,} jobs")
    for column in ("id", "kind", "case", "status", "progress", "attempts", "by", "error"):
        table.add_column(column, justify="right" if column == "id" else "left")
    for job in documents:
        total = job["progress_total"]
        asked_to_stop = job["cancel_requested"] and job["status"] == "running"
        status = job["status"] + (" (stop asked)" if asked_to_stop else "")
        table.add_row(
            str(job["id"]),
            job["kind"],
            escape(job["case"]),
            status,
            f"{job['progress_done']:,}/{total:,}" if total is not None else "",
            f"{job['attempts']}/{job['max_attempts']}",
            escape(job["requested_by"]),
            escape(job["error"][:80]),
        )
    console.print(table)


@jobs_app.command("triage")
def triage_command(
    path: Annotated[Path, typer.Argument(help="Folder, archive or file, as the worker sees it")],
    case: Annotated[str, typer.Option("--case", help="Case name (created if new)")],
    user: Annotated[str, typer.Option("--user", help="The Vigil user asking for it")],
    executor: Annotated[
        str,
        typer.Option(
            "--executor", help="process, inline or dask (the worker's VIGIL_DASK_SCHEDULER)"
        ),
    ] = "process",
    workers: Annotated[int | None, typer.Option("--workers", min=1)] = None,
    max_depth: Annotated[int | None, typer.Option("--max-depth", min=0)] = None,
) -> None:
    """Queue a triage for `vigil worker` instead of running it here."""
    start_django()
    from vigil.jobs.service import JobRequestError, enqueue_triage

    try:
        job = enqueue_triage(
            case,
            path.absolute(),
            _user(user),
            executor=executor,
            workers=workers,
            max_depth=max_depth,
        )
    except JobRequestError as error:
        raise fail(str(error)) from None
    console.print(f"Queued job {job.pk}: triage of {escape(str(path))} into {escape(case)}.")


@jobs_app.command("match")
def match_command(
    case: Annotated[str, typer.Option("--case", help="Case name")],
    user: Annotated[str, typer.Option("--user", help="The Vigil user asking for it")],
) -> None:
    """Queue matching a case against every complete hash list."""
    start_django()
    from vigil.jobs.service import enqueue_match

    job = enqueue_match(case_or_exit(case), _user(user))
    console.print(f"Queued job {job.pk}: match of {escape(case)}.")


@jobs_app.command("cancel")
def cancel_command(job_id: Annotated[int, typer.Argument(help="Job id")]) -> None:
    """Cancel a job: a queued one at once, a running one at its next progress report."""
    start_django()
    from vigil.audit.log import cli_actor
    from vigil.jobs.service import JobRequestError, cancel
    from vigil.records.jobs.models import Job

    job = Job.objects.select_related("case").filter(pk=job_id).first()
    if job is None:
        raise fail(f"no job {job_id} (see `vigil jobs ls`)")
    try:
        job = cancel(job, cli_actor())
    except JobRequestError as error:
        raise fail(str(error)) from None
    if job.status == Job.Status.CANCELLED:
        console.print(f"Job {job.pk} cancelled.")
    else:
        console.print(f"Job {job.pk} asked to stop; it stops at its next progress report.")
