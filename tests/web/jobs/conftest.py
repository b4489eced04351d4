"""Jobs run here by the real django-tasks worker loop, in this process, on the session instance."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.builders.seizure import photo_bytes


def run_queued_jobs(max_tasks: int | None = None) -> None:
    """What `vigil worker --batch` does: run every ready task (or `max_tasks`), then return."""
    from django.db import connection
    from django_tasks_db.management.commands.db_worker import Worker

    try:
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id="tests",
            excluded_queue_names=[],
        ).run()
    finally:
        connection.close()  # the loop may run in a thread of its own


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.01)


def photo_folder(root: Path, photos: int) -> Path:
    root.mkdir(parents=True)
    for index in range(photos):
        (root / f"IMG_{index:04d}.jpg").write_bytes(photo_bytes(index))
    return root


@pytest.fixture
def investigator(case_name: str) -> Any:
    from vigil.accounts.services import add_user, default_agency

    user, _ = add_user(
        f"inv-{case_name}"[:150],
        ["investigator"],
        agency=default_agency(),
        password="a long enough passphrase",
    )
    return user
