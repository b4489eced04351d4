"""An investigator of one case cannot make a job read the instance's own files (the store, the
database, the secret key) or anything outside the evidence roots, and learns nothing of what
exists: the refusal has the same words for a missing path, and every refusal is audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.web.jobs.conftest import photo_folder, run_queued_jobs
from vigil.core.evidence import REFUSAL

pytestmark = pytest.mark.usefixtures("django_instance")


@pytest.fixture
def case_b(case_name: str, investigator: Any) -> str:
    from vigil.records.accounts.models import CaseMembership
    from vigil.records.cases.models import Case

    case = Case.objects.create(name=f"{case_name}-B"[:190])
    CaseMembership.objects.create(user=investigator, case=case, added_by="tests")
    return case.name


@pytest.fixture
def client(investigator: Any) -> Client:
    from vigil.records.api.models import ApiToken

    _, token = ApiToken.issue(investigator, "tests")
    return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")


def _instance_paths() -> dict[str, Path]:
    from vigil import config

    home = config.vigil_home()
    return {
        "store": config.store_root(home) / "blobs",
        "secret key": home / "secret_key",
        "database": config.database_path(home),
        "home": home,
    }


def _post_triage(client: Client, case: str, path: str | Path, **extra: Any) -> Any:
    return client.post(
        f"/api/v1/cases/{case}/jobs",
        {"kind": "triage", "path": str(path), "executor": "inline", **extra},
        "application/json",
    )


def test_a_job_cannot_read_the_instance_home_store_database_or_secret_key(
    client: Client, case_b: str, tmp_path: Path, case_name: str
) -> None:
    from vigil.pipeline.service import triage
    from vigil.records.audit.models import AuditEntry
    from vigil.records.cases.models import Item

    triage(f"{case_name}-A"[:190], photo_folder(tmp_path / "a", photos=2), executor="inline")
    for what, path in _instance_paths().items():
        refused = _post_triage(client, case_b, path)
        assert refused.status_code == 422, what
        assert refused.json()["detail"] == REFUSAL.format(path=path), what

    run_queued_jobs()

    assert not Item.objects.filter(case__name=case_b).exists()
    refusals = AuditEntry.objects.filter(
        action="evidence.refused", case_name=case_b, outcome="refused"
    )
    assert sorted(entry.details["path"] for entry in refusals) == sorted(
        str(path) for path in _instance_paths().values()
    )


def test_a_link_inside_a_root_to_the_store_is_refused(
    client: Client, case_b: str, tmp_path: Path
) -> None:
    link = tmp_path / "innocent-looking"
    link.symlink_to(_instance_paths()["store"])
    refused = _post_triage(client, case_b, link)
    assert refused.status_code == 422
    assert refused.json()["detail"] == REFUSAL.format(path=link)


def test_a_path_outside_every_root_reads_the_same_whether_or_not_it_exists(
    client: Client, case_b: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VIGIL_EVIDENCE_ROOTS", str(tmp_path / "seizures"))
    existing = _post_triage(client, case_b, "/etc/passwd").json()["detail"]
    missing = _post_triage(client, case_b, "/etc/no-such-file").json()["detail"]
    assert existing == REFUSAL.format(path="/etc/passwd")
    assert missing == REFUSAL.format(path="/etc/no-such-file")


def test_a_seizure_under_a_root_is_triaged_into_the_members_case(
    client: Client, case_b: str, tmp_path: Path
) -> None:
    from vigil.records.cases.models import Item, Source

    root = photo_folder(tmp_path / "seizure", photos=2)
    assert _post_triage(client, case_b, root).status_code == 202
    run_queued_jobs()
    assert Item.objects.filter(case__name=case_b).count() == 2
    assert Source.objects.get(case__name=case_b).path == str(root.resolve())


@pytest.mark.parametrize(
    ("field", "value"),
    [("workers", 0), ("workers", -3), ("workers", 10_000), ("max_depth", -1), ("max_depth", 99)],
)
def test_out_of_range_job_parameters_are_refused_naming_the_field(
    client: Client, case_b: str, tmp_path: Path, field: str, value: int
) -> None:
    root = photo_folder(tmp_path / "seizure", photos=1)
    refused = _post_triage(client, case_b, root, **{field: value})
    assert refused.status_code == 422
    [problem] = refused.json()["detail"]
    assert problem["loc"][-1] == field


def test_the_job_service_refuses_out_of_range_numbers_too(
    case_b: str, investigator: Any, tmp_path: Path
) -> None:
    from vigil.jobs.service import JobRequestError, enqueue_triage

    with pytest.raises(JobRequestError, match="workers must be between 1 and 256"):
        enqueue_triage(case_b, tmp_path, investigator, workers=0)
    with pytest.raises(JobRequestError, match="max_depth must be between 0 and 32"):
        enqueue_triage(case_b, tmp_path, investigator, max_depth=-1)
