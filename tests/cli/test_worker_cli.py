"""`vigil worker` and `vigil jobs` as an operator runs them: real processes, their own instance."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.builders.seizure import photo_bytes
from tests.instance import instance_env

pytestmark = pytest.mark.slow


def vigil(
    home: Path, *args: str, check: bool = True, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vigil.cli.main", *args],
        env=instance_env(home, COLUMNS="200", **env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=check,
    )


def _jobs(home: Path, case: str) -> list[dict[str, Any]]:
    documents: list[dict[str, Any]] = json.loads(
        vigil(home, "jobs", "ls", "--case", case, "--json").stdout
    )
    return documents


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    vigil(home, "user", "add", "alice", "--role", "investigator", "--password-stdin",
          stdin="a long enough passphrase\n")  # fmt: skip
    return home


def test_a_queued_triage_is_run_by_vigil_worker_batch(tmp_path: Path, home: Path) -> None:
    seizure = tmp_path / "seizure"
    seizure.mkdir()
    for index in range(3):
        (seizure / f"IMG_{index}.jpg").write_bytes(photo_bytes(index))
    queued = vigil(home, "jobs", "triage", str(seizure), "--case", "op", "--user", "alice",
                   "--executor", "inline")  # fmt: skip
    assert "Queued job" in queued.stdout
    assert _jobs(home, "op")[0]["status"] == "queued"

    vigil(home, "worker", "--batch", "--quiet")

    [job] = _jobs(home, "op")
    assert job["status"] == "succeeded"
    assert (job["progress_done"], job["progress_total"]) == (3, 3)
    items = json.loads(vigil(home, "items", "--case", "op", "--json").stdout)
    assert len(items) == 3


def test_the_worker_retries_a_failing_job_then_marks_it_failed(tmp_path: Path, home: Path) -> None:
    missing = tmp_path / "not-mounted"
    vigil(home, "jobs", "triage", str(missing), "--case", "op", "--user", "alice")

    vigil(home, "worker", "--batch", "--quiet", VIGIL_JOB_RETRY_DELAY="0")

    [job] = _jobs(home, "op")
    assert job["status"] == "failed" and job["attempts"] == job["max_attempts"] == 3
    assert f"No evidence can be read at {missing}" in job["error"]
    refused = vigil(home, "jobs", "cancel", str(job["id"]), check=False)
    assert refused.returncode == 2 and "already finished (failed)" in refused.stderr
    assert "intact" in vigil(home, "audit", "verify").stdout
