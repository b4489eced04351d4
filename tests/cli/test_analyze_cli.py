"""Governed AI in casework, as an investigator and two governance officers do it on the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_cli import vigil
from tests.instance import instance_env

pytestmark = pytest.mark.slow

PASSWORD = "a long enough passphrase"


def _add_user(home: Path, name: str, role: str) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "vigil.cli.main",
            "user",
            "add",
            name,
            "--role",
            role,
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
        timeout=120,
        env=instance_env(home),
    )


@pytest.fixture
def instance(tmp_path: Path, shared_data: Path) -> Path:
    home = tmp_path / "home"
    seizure = tmp_path / "seizure"
    seizure.mkdir()
    bridges = shared_data / "threatexchange/pdq/data/reg-test-input/dih"
    for name in ("bridge-5-flipx.jpg", "bridge-3-rotate-180.jpg", "bridge-1-original.jpg"):
        shutil.copy(bridges / name, seizure / name)
    vigil(home, "triage", str(seizure), "--case", "op", "--quiet")
    _add_user(home, "olga", "governance_officer")
    _add_user(home, "omar", "governance_officer")
    _add_user(home, "ivan", "investigator")
    return home


def _faces(home: Path, *extra: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    return vigil(
        home,
        "analyze",
        "--case",
        "op",
        "--tool",
        "face_detection",
        "--user",
        "ivan",
        *extra,
        check=check,
    )


def test_a_high_risk_tool_runs_only_after_two_approvals_and_with_a_legal_basis(
    instance: Path,
) -> None:
    refused = _faces(instance)
    assert refused.returncode == 3
    assert "olga" in refused.stderr and "omar" in refused.stderr

    vigil(instance, "tools", "assess", "face_detection", "--submit", "--user", "ivan")
    vigil(instance, "tools", "approve", "face_detection", "--user", "olga")
    one_vote = _faces(instance)
    assert one_vote.returncode == 3

    vigil(instance, "tools", "approve", "face_detection", "--user", "omar")
    no_basis = _faces(instance)
    assert no_basis.returncode == 3
    assert "legal basis" in no_basis.stderr

    ran = _faces(
        instance,
        "--legal-basis",
        "Warrant 2026/114, art. 57 CCP",
        "--necessity",
        "Victim identification in new material",
        "--json",
        check=True,
    )
    summary = json.loads(ran.stdout)
    assert summary["analyzed"] == 3 and summary["failed"] == 0
    assert summary["suggestions"] >= 1

    listed = json.loads(vigil(instance, "suggestions", "--case", "op", "--json").stdout)
    first = listed[0]
    assert first["tool"] == "face_detection" and first["label"] == "face"
    assert len(first["model_digest"]) == 64 and first["run_id"] == summary["run_id"]
    assert first["decision"] is None

    vigil(
        instance,
        "decide",
        str(first["id"]),
        "--reject",
        "--user",
        "ivan",
        "--reason",
        "a bridge truss, not a face",
    )
    decided = json.loads(vigil(instance, "suggestions", "--case", "op", "--json").stdout)[0]
    assert decided["decision"]["verdict"] == "rejected"
    assert decided["decision"]["by"] == "ivan"


def test_a_non_ai_triage_step_runs_without_an_assessment(instance: Path) -> None:
    ran = vigil(
        instance, "analyze", "--case", "op", "--tool", "image_metadata", "--user", "ivan", "--json"
    )
    assert json.loads(ran.stdout)["analyzed"] == 3


def test_an_unknown_user_cannot_run_anything(instance: Path) -> None:
    result = vigil(
        instance,
        "analyze",
        "--case",
        "op",
        "--tool",
        "image_metadata",
        "--user",
        "mallory",
        check=False,
    )
    assert result.returncode == 2
    assert "no active Vigil user named 'mallory'" in result.stderr
