"""`vigil worker`: run the background jobs the web app, the API and `vigil jobs` queue."""

from __future__ import annotations

from typing import Annotated

import typer

from vigil.cli.app import app, console, start_django


@app.command()
def worker(
    queue: Annotated[
        str, typer.Option("--queue", help="Queues to take jobs from, comma-separated, or '*'")
    ] = "default",
    interval: Annotated[
        float, typer.Option("--interval", min=0.0, help="Seconds between looks at an empty queue")
    ] = 1.0,
    batch: Annotated[
        bool, typer.Option("--batch", help="Run what is queued now, then exit")
    ] = False,
    max_tasks: Annotated[
        int | None, typer.Option("--max-tasks", min=1, help="Exit after this many tasks")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Log only errors")] = False,
) -> None:
    """Take queued jobs from the database and run them, one at a time, until stopped
    (SIGTERM lets the running job finish first; a second one stops it, and triage resumes)."""
    start_django()
    from django.core.management import call_command

    if not batch:
        console.print(f"Vigil worker: waiting for jobs on queue {queue!r} (Ctrl+C to stop).")
    # django-tasks-db's own worker: it claims each task in a transaction, so several
    # `vigil worker` processes (on several machines) can share one database.
    call_command(
        "db_worker",
        queue_name=queue,
        interval=interval,
        batch=batch,
        max_tasks=max_tasks,
        reload=False,
        startup_delay=not batch,
        verbosity=0 if quiet else 1,
    )
