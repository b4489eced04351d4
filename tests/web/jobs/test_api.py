"""The jobs API: started, followed and cancelled with the API's own bearer tokens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.web.jobs.conftest import photo_folder, run_queued_jobs

pytestmark = pytest.mark.usefixtures("django_instance")


@pytest.fixture
def member_case(case_name: str, investigator: Any) -> str:
    from vigil.records.accounts.models import CaseMembership
    from vigil.records.cases.models import Case

    case = Case.objects.create(name=case_name)
    CaseMembership.objects.create(user=investigator, case=case, added_by="tests")
    return case_name


@pytest.fixture
def client(investigator: Any) -> Client:
    from vigil.records.api.models import ApiToken

    _, token = ApiToken.issue(investigator, "tests")
    return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_jobs_need_a_token() -> None:
    anonymous = Client(HTTP_HOST="localhost")
    assert anonymous.get("/api/v1/jobs/1").status_code == 401
    assert (
        anonymous.post("/api/v1/cases/x/jobs", {"kind": "match"}, "application/json").status_code
        == 401
    )


def test_a_triage_job_is_started_followed_to_the_end_and_listed(
    client: Client, tmp_path: Path, member_case: str, investigator: Any
) -> None:
    case_name = member_case
    root = photo_folder(tmp_path / "seizure", photos=3)
    started = client.post(
        f"/api/v1/cases/{case_name}/jobs",
        {"kind": "triage", "path": str(root), "executor": "inline"},
        "application/json",
    )
    assert started.status_code == 202, started.content
    job = started.json()
    assert job["status"] == "queued" and job["requested_by"] == investigator.username

    run_queued_jobs()

    followed = client.get(f"/api/v1/jobs/{job['id']}").json()
    assert followed["status"] == "succeeded"
    assert (followed["progress_done"], followed["progress_total"]) == (3, 3)
    listed = client.get(f"/api/v1/cases/{case_name}/jobs").json()
    assert [row["id"] for row in listed] == [job["id"]]


def test_a_queued_job_is_cancelled_once_and_then_says_it_has_finished(
    client: Client, member_case: str
) -> None:
    case_name = member_case
    job = client.post(f"/api/v1/cases/{case_name}/jobs", {"kind": "match"}, "application/json")
    job_id = job.json()["id"]

    cancelled = client.post(f"/api/v1/jobs/{job_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = client.post(f"/api/v1/jobs/{job_id}/cancel")
    assert again.status_code == 409 and "already finished" in again.json()["detail"]


def test_bad_job_requests_are_refused_with_the_reason(client: Client, member_case: str) -> None:
    url = f"/api/v1/cases/{member_case}/jobs"
    relative = client.post(url, {"kind": "triage", "path": "seizure"}, "application/json")
    assert relative.status_code == 422 and "absolute" in relative.json()["detail"]
    no_path = client.post(url, {"kind": "triage"}, "application/json")
    assert no_path.status_code == 422
    no_case = client.post(f"{url}-missing", {"kind": "match"}, "application/json")
    assert no_case.status_code == 404
    assert client.get("/api/v1/jobs/999999999").status_code == 404


def test_a_case_and_its_jobs_stay_invisible_to_a_non_member(
    client: Client, case_name: str, investigator: Any
) -> None:
    from vigil.jobs.service import enqueue_match
    from vigil.records.cases.models import Case

    job = enqueue_match(Case.objects.create(name=case_name), investigator)
    assert client.get(f"/api/v1/cases/{case_name}/jobs").status_code == 404
    assert client.get(f"/api/v1/jobs/{job.pk}").status_code == 404
    assert client.post(f"/api/v1/jobs/{job.pk}/cancel").status_code == 404
    started = client.post(f"/api/v1/cases/{case_name}/jobs", {"kind": "match"}, "application/json")
    assert started.status_code == 404


def test_an_analysis_job_with_an_unapproved_tool_is_refused_by_the_gate(
    client: Client, member_case: str
) -> None:
    from vigil.records.audit.models import AuditEntry

    case_name = member_case
    refused = client.post(
        f"/api/v1/cases/{case_name}/jobs",
        {"kind": "analysis", "tool": "face_detection"},
        "application/json",
    )
    assert refused.status_code == 403
    assert AuditEntry.objects.filter(case_name=case_name, outcome="refused").exists()
