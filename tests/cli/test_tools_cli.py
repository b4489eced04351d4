"""`vigil user` and `vigil tools` as an agency admin, an investigator and two governance
officers use them: real processes, an instance folder of their own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_cli import vigil
from tests.instance import RawDatabase, instance_env

pytestmark = pytest.mark.slow

PASSWORD = "a long enough passphrase"

COMPLETE_ANSWERS = """\
use_case: {purpose: "Point reviewers at images with faces"}
lawfulness:
  legal_basis: "Criminal Procedure Act s. 94"
  necessity: "Manual review cannot find them in time"
  proportionality: "Only in child sexual abuse cases"
risks:
  - id: fairness.demographic_performance
    present: true
    likelihood: 2
    severity: 3
"""


def add_user(
    home: Path, name: str, *roles: str, password: str = PASSWORD
) -> subprocess.CompletedProcess[str]:
    role_options = [option for role in roles for option in ("--role", role)]
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "vigil.cli.main",
            "user",
            "add",
            name,
            *role_options,
            "--password-stdin",
        ],
        input=password + "\n",
        env=instance_env(home, COLUMNS="200"),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An instance with two governance officers and an investigator."""
    home = tmp_path / "home"
    for name, role in (
        ("olga", "governance_officer"),
        ("omar", "governance_officer"),
        ("ivan", "investigator"),
    ):
        assert add_user(home, name, role).returncode == 0
    return home


def test_users_are_listed_with_their_roles_and_argon2_hashed_passwords(tmp_path: Path) -> None:
    home = tmp_path / "home"
    added = add_user(home, "alice", "governance_officer", "reviewer")
    assert "Added alice to Local agency as governance_officer, reviewer." in added.stdout
    listed = vigil(home, "user", "ls").stdout
    assert "alice" in listed and "governance_officer, reviewer" in listed
    with RawDatabase(home, read_only=True) as db:
        (hashed,) = db.execute("SELECT password FROM auth_user WHERE username='alice'").fetchone()
    assert hashed.startswith("argon2$") and PASSWORD not in hashed


def test_a_short_password_and_an_unknown_role_are_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    short = add_user(home, "alice", "investigator", password="short")
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
    unknown = add_user(home, "alice", "sheriff")
    assert "unknown role 'sheriff'" in unknown.stderr and "governance_officer" in unknown.stderr


def test_the_tools_list_shows_ai_tools_unassessed_and_non_ai_steps_approved(home: Path) -> None:
    tools = {row["name"]: row for row in json.loads(vigil(home, "tools", "ls", "--json").stdout)}
    assert tools["face_detection"]["ai"] is True
    assert tools["face_detection"]["state"] == "not assessed"
    assert tools["face_detection"]["allowed"] is False
    assert tools["hashes"]["state"] == "approved by default: a non-AI step"
    assert tools["hashes"]["allowed"] is True


def test_show_prints_the_model_its_card_the_default_assessment_and_who_can_approve(
    home: Path,
) -> None:
    shown = vigil(home, "tools", "show", "face_detection").stdout
    assert "SHA-256: " in shown and "Model card" in shown
    assert "Intended use" in shown
    assert "Default risk assessment" in shown and "fairness.demographic_performance" in shown
    assert "May not run: face_detection has no approved risk assessment" in shown
    assert "olga, omar" in shown
    assert "Measured precision in Local agency: no decisions yet" in shown


def test_a_high_risk_tool_is_approved_by_two_officers_and_not_by_an_investigator(
    home: Path,
) -> None:
    assessed = vigil(home, "tools", "assess", "face_detection", "--submit", "--user", "ivan")
    assert "assessment v1 is submitted; risk level high" in assessed.stdout

    by_investigator = vigil(
        home, "tools", "approve", "face_detection", "--user", "ivan", check=False
    )
    assert by_investigator.returncode == 2
    assert "ivan is not a governance officer" in by_investigator.stderr

    first = vigil(home, "tools", "approve", "face_detection", "--user", "olga")
    assert "1 of 2 approvals" in first.stdout
    twice = vigil(home, "tools", "approve", "face_detection", "--user", "olga", check=False)
    assert "olga already voted" in twice.stderr

    second = vigil(
        home,
        "tools",
        "approve",
        "face_detection",
        "--user",
        "omar",
        "--reason",
        "legal basis checked",
    )
    assert "is approved: approved by olga and omar" in second.stdout

    tools = {row["name"]: row for row in json.loads(vigil(home, "tools", "ls", "--json").stdout)}
    assert (tools["face_detection"]["state"], tools["face_detection"]["level"]) == (
        "approved",
        "high",
    )
    shown = vigil(home, "tools", "show", "face_detection").stdout
    assert "omar approves: legal basis checked" in shown


def test_a_rejection_and_a_suspension_keep_their_reasons(home: Path) -> None:
    answers = home / "answers.yaml"
    answers.write_text(COMPLETE_ANSWERS)
    vigil(home, "tools", "assess", "face_detection", "--answers", str(answers), "--user", "ivan")
    # Only the one risk above is answered: the rest must be answered before submitting.
    incomplete = vigil(
        home,
        "tools",
        "assess",
        "face_detection",
        "--answers",
        str(answers),
        "--submit",
        "--user",
        "ivan",
        check=False,
    )
    assert "leaves questions unanswered" in incomplete.stderr

    vigil(home, "tools", "assess", "face_detection", "--submit", "--user", "ivan")
    rejected = vigil(
        home,
        "tools",
        "reject",
        "face_detection",
        "--user",
        "olga",
        "--reason",
        "no bias evaluation",
    )
    assert "rejected by olga: no bias evaluation" in rejected.stdout

    vigil(home, "tools", "assess", "face_detection", "--submit", "--user", "ivan")
    vigil(home, "tools", "approve", "face_detection", "--user", "olga")
    vigil(home, "tools", "approve", "face_detection", "--user", "omar")
    suspended = vigil(
        home, "tools", "suspend", "face_detection", "--user", "omar", "--reason", "false positives"
    )
    assert "suspended by omar: false positives" in suspended.stdout
    assert (
        "is suspended in Local agency: suspended by omar"
        in vigil(home, "tools", "show", "face_detection").stdout
    )


def test_a_bad_answers_file_is_refused_naming_the_line(home: Path) -> None:
    answers = home / "answers.yaml"
    answers.write_text(COMPLETE_ANSWERS.replace("likelihood: 2", "likelihood: 9"))
    refused = vigil(
        home,
        "tools",
        "assess",
        "face_detection",
        "--answers",
        str(answers),
        "--user",
        "ivan",
        check=False,
    )
    assert refused.returncode == 2
    assert "line 9: risks[0] (fairness.demographic_performance).likelihood" in refused.stderr


def test_a_non_ai_step_needs_no_assessment(home: Path) -> None:
    refused = vigil(home, "tools", "assess", "hashes", "--user", "ivan", check=False)
    assert "approved by default: a non-AI step" in refused.stderr


def test_running_an_unapproved_tool_is_refused_with_who_can_approve(tmp_path: Path) -> None:
    home = tmp_path / "home"
    seizure = tmp_path / "seizure"
    seizure.mkdir()
    (seizure / "note.txt").write_text("nothing here")
    vigil(home, "triage", str(seizure), "--case", "op", "--quiet")
    assert add_user(home, "ivan", "investigator").returncode == 0
    args = ("analyze", "--case", "op", "--tool", "face_detection", "--user", "ivan")

    without_officer = vigil(home, *args, check=False)
    assert without_officer.returncode != 0
    assert "no approved risk assessment" in without_officer.stderr
    assert "vigil user add NAME --role governance_officer" in " ".join(
        without_officer.stderr.split()
    )

    assert add_user(home, "olga", "governance_officer").returncode == 0
    with_officer = vigil(home, *args, check=False)
    assert "Governance officers who can approve it: olga" in with_officer.stderr
