"""`vigil roots` and the CLI's triage under the evidence policy: an operator with no roots
declared is told how to declare one, the instance folder is never evidence, and declaring or
withdrawing a root is audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.builders.seizure import photo_bytes
from tests.cli.test_cli import vigil

pytestmark = pytest.mark.slow


def test_with_no_roots_triage_reads_nothing_and_says_how_to_declare_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VIGIL_EVIDENCE_ROOTS")
    seizure = tmp_path / "seizure"
    seizure.mkdir()
    (seizure / "a.jpg").write_bytes(photo_bytes(1))
    refused = vigil(tmp_path / "home", "triage", str(seizure), "--case", "op", check=False)
    assert refused.returncode == 2
    assert "No evidence roots are declared" in refused.stderr
    assert "vigil roots add" in refused.stderr


def test_a_declared_root_lets_triage_read_and_withdrawing_it_stops_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VIGIL_EVIDENCE_ROOTS")
    home = tmp_path / "home"
    shares = tmp_path / "shares"
    (shares / "op").mkdir(parents=True)
    (shares / "op" / "a.jpg").write_bytes(photo_bytes(1))

    vigil(home, "roots", "add", str(shares))
    assert str(shares) in vigil(home, "roots", "list").stdout
    vigil(home, "triage", str(shares / "op"), "--case", "op", "--quiet")
    vigil(home, "roots", "remove", str(shares))
    again = vigil(home, "triage", str(shares / "op"), "--case", "op2", check=False)

    assert again.returncode == 2 and "No evidence can be read at" in again.stderr
    items = json.loads(vigil(home, "items", "--case", "op", "--json").stdout)
    assert len(items) == 1
    log = json.loads(vigil(home, "audit", "ls", "--json", "--limit", "100").stdout)
    actions = [entry["action"] for entry in log]
    assert "evidence.root_declared" in actions and "evidence.root_withdrawn" in actions
    assert "evidence.refused" in actions


def test_the_instance_folder_is_never_evidence_even_under_a_root(tmp_path: Path) -> None:
    home = tmp_path / "home"
    vigil(home, "init")
    for inside in (home, home / "store", home / "secret_key"):
        refused = vigil(home, "triage", str(inside), "--case", "op", check=False)
        assert refused.returncode == 2 and "No evidence can be read at" in refused.stderr
    declared = vigil(home, "roots", "add", str(home / "store"), check=False)
    assert declared.returncode == 2 and "inside the instance's own folder" in declared.stderr
