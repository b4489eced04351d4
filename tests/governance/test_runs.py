"""Governed runs, the one path for the CLI, the web app, the API and jobs: a run is requested
through the gate and queued with its provenance, and performed only if the gate says yes again
for a user who is still active."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.builders.seizure import photo_bytes
from tests.governance.conftest import People

pytestmark = pytest.mark.usefixtures("django_instance")


@pytest.fixture
def case(tmp_path: Path, case_name: str) -> Any:
    from vigil.pipeline.service import triage
    from vigil.records.cases.models import Case

    root = tmp_path / "seizure"
    root.mkdir()
    for index in range(2):
        (root / f"IMG_{index}.jpg").write_bytes(photo_bytes(index))
    triage(case_name, root, executor="inline")
    return Case.objects.get(name=case_name)


def _approve_face_detection(people: People) -> type:
    from vigil.analyzers.registry import default_registry
    from vigil.governance import workflow

    tool = default_registry().get("face_detection")
    workflow.assess(tool, workflow.default_answers(tool), people.ivan, agency=people.agency)
    workflow.submit(tool, people.ivan, agency=people.agency)
    workflow.vote(tool, people.olga, True, "", agency=people.agency)
    workflow.vote(tool, people.omar, True, "", agency=people.agency)
    return tool


def _actions(case: Any) -> list[str]:
    from vigil.records.audit.models import AuditEntry

    return list(
        AuditEntry.objects.filter(case_name=case.name, action__startswith="analysis.")
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_a_requested_run_is_queued_with_its_provenance_then_performed(
    case: Any, people: People
) -> None:
    from vigil.governance.runs import perform_run, request_run

    run = request_run(case, "hashes", people.ivan, via="tests")
    assert run.status == "queued" and run.tool == "hashes" and run.tool_version

    summary = perform_run(run, via="tests")

    run.refresh_from_db()
    assert run.status == "complete" and summary.analyzed == 2
    assert _actions(case) == ["analysis.queued", "analysis.start", "analysis.finish"]


def test_a_run_whose_approval_was_suspended_while_queued_is_refused_and_failed(
    case: Any, people: People
) -> None:
    from vigil.governance import workflow
    from vigil.governance.gate import ToolRefused
    from vigil.governance.runs import perform_run, request_run

    tool = _approve_face_detection(people)
    run = request_run(
        case, "face_detection", people.ivan, legal_basis="Warrant 7", necessity="ID", via="tests"
    )
    workflow.suspend(tool, people.olga, "errors in casework", agency=people.agency)

    with pytest.raises(ToolRefused):
        perform_run(run, via="tests")
    run.refresh_from_db()
    assert run.status == "failed" and not run.suggestions.exists()


def test_a_run_of_a_user_no_longer_active_is_not_performed(case: Any, people: People) -> None:
    from vigil.governance.runs import RunUnavailable, perform_run, request_run

    run = request_run(case, "hashes", people.ivan, via="tests")
    people.ivan.is_active = False
    people.ivan.save()

    with pytest.raises(RunUnavailable, match="no longer an active"):
        perform_run(run, via="tests")


def test_an_unknown_tool_cannot_be_requested(case: Any, people: People) -> None:
    from vigil.governance.runs import RunUnavailable, request_run

    with pytest.raises(RunUnavailable, match="no tool named"):
        request_run(case, "no-such-tool", people.ivan, via="tests")


def test_a_retry_is_a_new_run_with_the_same_request(case: Any, people: People) -> None:
    from vigil.governance.runs import request_run, rerun_of

    first = request_run(case, "hashes", people.ivan, legal_basis="Warrant 9", via="tests")
    again = rerun_of(first, via="tests")

    assert again.run_id != first.run_id
    assert (again.tool, again.legal_basis, again.started_by) == (
        "hashes",
        "Warrant 9",
        first.started_by,
    )
