"""The REST API refuses what the governance refuses, with the same words as the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.usefixtures("django_instance")


def _client(token: str | None = None) -> Client:
    headers: dict[str, Any] = {"HTTP_HOST": "localhost"}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return Client(**headers)


@pytest.fixture
def agency_with_people(case_name: str) -> dict[str, Any]:
    from vigil.accounts.services import add_user
    from vigil.records.accounts.models import Agency
    from vigil.records.api.models import ApiToken

    agency = Agency.objects.create(name=f"agency {case_name}"[:200], country="FR")
    people = {}
    for name, role in (
        ("officer-a", "governance_officer"),
        ("officer-b", "governance_officer"),
        ("analyst", "investigator"),
    ):
        user, _ = add_user(
            f"{name}-{case_name}"[:150], [role], agency=agency, password="a long enough passphrase"
        )
        people[name] = user
    _, token = ApiToken.issue(people["analyst"], "tests")
    return {"agency": agency, "token": token, **people}


@pytest.fixture
def triaged_case(
    tmp_path: Path, case_name: str, shared_data: Path, agency_with_people: dict[str, Any]
) -> str:
    from vigil.pipeline.service import triage
    from vigil.records.accounts.models import CaseMembership
    from vigil.records.cases.models import Case

    root = tmp_path / "seizure"
    root.mkdir()
    shutil.copy(
        shared_data / "threatexchange/pdq/data/reg-test-input/dih/bridge-5-flipx.jpg",
        root / "bridge.jpg",
    )
    triage(case_name, root, executor="inline")
    # Only members see a case: the analyst works on this one.
    CaseMembership.objects.create(
        user=agency_with_people["analyst"], case=Case.objects.get(name=case_name), added_by="test"
    )
    return case_name


def test_without_a_token_the_api_answers_401() -> None:
    assert _client().get("/api/v1/tools").status_code == 401
    assert _client("vgl_forged").get("/api/v1/tools").status_code == 401


def test_the_tools_are_listed_with_their_model_digest(agency_with_people: dict[str, Any]) -> None:
    tools = {t["name"]: t for t in _client(agency_with_people["token"]).get("/api/v1/tools").json()}
    assert tools["face_detection"]["uses_ai"] is True
    assert len(tools["face_detection"]["model_digest"]) == 64
    assert tools["hashes"]["model_digest"] is None


def test_an_unapproved_tool_is_refused_then_queued_once_approved_with_a_legal_basis(
    agency_with_people: dict[str, Any], triaged_case: str
) -> None:
    from vigil.analyzers.registry import default_registry
    from vigil.governance import workflow
    from vigil.pipeline.analysis import execute_run
    from vigil.pipeline.service import instance_store
    from vigil.records.analysis.models import AnalysisRun

    people = agency_with_people
    client = _client(people["token"])
    url = f"/api/v1/cases/{triaged_case}/analyses"

    refused = client.post(url, {"tool": "face_detection"}, content_type="application/json")
    assert refused.status_code == 403
    assert people["officer-a"].username in refused.json()["detail"]

    tool = default_registry().get("face_detection")
    workflow.assess(
        tool, workflow.default_answers(tool), people["analyst"], agency=people["agency"]
    )
    workflow.submit(tool, people["analyst"], agency=people["agency"])
    workflow.vote(tool, people["officer-a"], True, "", agency=people["agency"])
    workflow.vote(tool, people["officer-b"], True, "", agency=people["agency"])

    no_basis = client.post(url, {"tool": "face_detection"}, content_type="application/json")
    assert no_basis.status_code == 403 and "legal basis" in no_basis.json()["detail"]

    body = {"tool": "face_detection", "legal_basis": "Warrant 7", "necessity": "Victim ID"}
    queued = client.post(url, body, content_type="application/json")
    assert queued.status_code == 202, queued.content
    run = AnalysisRun.objects.get(run_id=queued.json()["run_id"])
    assert run.status == "queued" and run.legal_basis == "Warrant 7"

    summary = execute_run(run, instance_store(), workers=1)
    assert summary.suggestions >= 1
    listed = client.get(f"/api/v1/cases/{triaged_case}/suggestions").json()
    assert {s["run_id"] for s in listed} == {summary.run_id}

    decision = client.post(
        f"/api/v1/suggestions/{listed[0]['id']}/decision",
        {"verdict": "rejected", "reason": "bridge"},
        content_type="application/json",
    )
    assert decision.status_code == 201


def test_the_openapi_schema_is_served_and_no_cdn_docs_page_is(
    agency_with_people: dict[str, Any],
) -> None:
    schema = _client(agency_with_people["token"]).get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/cases/{case}/analyses" in schema.json()["paths"]
    assert _client(agency_with_people["token"]).get("/api/v1/docs").status_code == 404
