"""Background jobs: queued, run by the worker, followed, cancelled, retried."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from tests.web.jobs.conftest import photo_folder, run_queued_jobs, wait_for
from vigil.core.evidence import REFUSAL

pytestmark = pytest.mark.usefixtures("django_instance")


def _actions(case_name: str) -> list[str]:
    from vigil.records.audit.models import AuditEntry

    return list(
        AuditEntry.objects.filter(case_name=case_name, action__startswith="job.")
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_a_queued_triage_is_run_by_the_worker_with_its_progress_recorded(
    tmp_path: Path, case_name: str, investigator: Any
) -> None:
    from vigil.jobs.service import enqueue_triage
    from vigil.records.cases.models import Item
    from vigil.records.jobs.models import Job

    root = photo_folder(tmp_path / "seizure", photos=5)
    job = enqueue_triage(case_name, root, investigator, executor="inline")
    assert job.status == Job.Status.QUEUED and job.task_result_id

    run_queued_jobs()

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (5, 5)
    assert job.attempts == 1 and job.error == ""
    assert job.result["enumerated"] == job.result["processed"] == 5
    assert Item.objects.filter(case__name=case_name).count() == 5
    assert _actions(case_name) == ["job.queued", "job.start", "job.finish"]


def test_a_cancelled_queued_job_never_runs(
    tmp_path: Path, case_name: str, investigator: Any
) -> None:
    from vigil.jobs.service import JobRequestError, cancel, enqueue_triage
    from vigil.records.cases.models import Item
    from vigil.records.jobs.models import Job

    job = enqueue_triage(case_name, photo_folder(tmp_path / "s", 2), investigator)
    assert cancel(job, "tester").status == Job.Status.CANCELLED

    run_queued_jobs()

    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and job.attempts == 0
    assert not Item.objects.filter(case__name=case_name).exists()
    with pytest.raises(JobRequestError, match="already finished"):
        cancel(job, "tester")


def test_a_running_triage_stops_when_cancelled_and_a_new_job_resumes_it(
    tmp_path: Path, case_name: str, investigator: Any
) -> None:
    from vigil.jobs.service import cancel, enqueue_triage
    from vigil.records.cases.models import Item, Source
    from vigil.records.jobs.models import Job

    root = photo_folder(tmp_path / "seizure", photos=300)
    job = enqueue_triage(case_name, root, investigator, executor="inline")
    worker = threading.Thread(target=run_queued_jobs)
    worker.start()
    try:
        wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.RUNNING)
        assert cancel(job, "tester").cancel_requested
    finally:
        worker.join(timeout=120)

    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    stopped_at = Item.objects.filter(case__name=case_name).count()
    assert stopped_at < 300
    assert Source.objects.get(case__name=case_name).status == Source.Status.RUNNING
    assert _actions(case_name)[-2:] == ["job.cancel", "job.cancelled"]

    again = enqueue_triage(case_name, root, investigator, executor="inline")
    run_queued_jobs()

    again.refresh_from_db()
    assert again.status == Job.Status.SUCCEEDED
    assert again.result["enumerated"] == again.result["processed"] == 300
    assert again.result["items_written"] == 300 - stopped_at
    assert Item.objects.filter(case__name=case_name).count() == 300


def test_a_failing_job_is_retried_then_marked_failed_with_the_reason(
    tmp_path: Path, case_name: str, investigator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django_tasks_db.models import DBTaskResult

    from vigil.jobs.service import enqueue_triage
    from vigil.records.jobs.models import Job

    monkeypatch.setenv("VIGIL_JOB_RETRY_DELAY", "0")
    missing = tmp_path / "not-mounted-yet"
    job = enqueue_triage(case_name, missing, investigator, max_attempts=3)

    run_queued_jobs()

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.attempts == 3
    assert job.error == f"EvidenceRefused: {REFUSAL.format(path=missing)}"
    assert _actions(case_name) == [
        "job.queued",
        *["job.start", "job.retry"] * 2,
        "job.start",
        "job.failed",
    ]
    last = DBTaskResult.objects.get(id=job.task_result_id)
    assert last.status == "FAILED" and "EvidenceRefused" in last.exception_class_path


def test_a_job_that_fails_once_succeeds_on_its_retry(
    tmp_path: Path, case_name: str, investigator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.jobs.service import enqueue_triage
    from vigil.records.jobs.models import Job

    monkeypatch.setenv("VIGIL_JOB_RETRY_DELAY", "0")
    root = tmp_path / "share"
    job = enqueue_triage(case_name, root, investigator, executor="inline")
    run_queued_jobs(max_tasks=1)  # the share is not mounted yet
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and "No evidence can be read" in job.error
    photo_folder(root, photos=2)

    run_queued_jobs()

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2 and job.error == ""


def test_a_job_asks_for_an_absolute_path_the_worker_can_find(
    case_name: str, investigator: Any
) -> None:
    from vigil.jobs.service import JobRequestError, enqueue_triage

    with pytest.raises(JobRequestError, match="absolute"):
        enqueue_triage(case_name, "relative/seizure", investigator)


def test_a_match_job_runs_against_the_hash_lists(
    tmp_path: Path, case_name: str, investigator: Any
) -> None:
    from vigil.jobs.service import enqueue_match
    from vigil.pipeline.service import triage
    from vigil.records.cases.models import Case
    from vigil.records.jobs.models import Job

    triage(case_name, photo_folder(tmp_path / "s", 3), executor="inline")
    job = enqueue_match(Case.objects.get(name=case_name), investigator)

    run_queued_jobs()

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["blobs"] == 3 and job.progress_done == 3


def test_an_analysis_job_passes_the_gate_again_and_keeps_its_run(
    tmp_path: Path, case_name: str, investigator: Any
) -> None:
    from vigil.jobs.service import enqueue_analysis
    from vigil.pipeline.service import triage
    from vigil.records.analysis.models import AnalysisRun
    from vigil.records.cases.models import Case
    from vigil.records.jobs.models import Job

    triage(case_name, photo_folder(tmp_path / "s", 2), executor="inline")
    job = enqueue_analysis(Case.objects.get(name=case_name), "hashes", investigator, workers=1)

    run_queued_jobs()

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    run = AnalysisRun.objects.get(run_id=job.result["run_id"])
    assert run.status == AnalysisRun.Status.COMPLETE and run.started_by == investigator.username
    assert job.result["analyzed"] == 2 == job.progress_done
