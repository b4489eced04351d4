"""`vigil catalog` and `vigil members`, as a hub admin runs them: real processes, each test with
an instance of its own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.cli.test_cli import vigil
from tests.instance import instance_env

pytestmark = pytest.mark.slow


def test_an_exported_catalogue_imports_into_another_instance_unchanged(tmp_path: Path) -> None:
    exported = tmp_path / "catalogue.yaml"
    vigil(tmp_path / "one", "catalog", "export", "--out", str(exported))
    entries = yaml.safe_load(exported.read_text(encoding="utf-8"))
    entries[0]["name"] += " (edited)"
    entries.append(entries[1] | {"slug": "example-import", "name": "Example import"})
    exported.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    home = tmp_path / "two"
    imported = vigil(home, "catalog", "import", str(exported))
    assert f"Imported {len(entries)} tools: 1 added, {len(entries) - 1} updated." in (
        imported.stdout
    )
    again = tmp_path / "again.json"
    vigil(home, "catalog", "export", "--out", str(again))
    assert json.loads(again.read_text(encoding="utf-8")) == sorted(
        entries, key=lambda entry: entry["slug"]
    )
    listed = {
        entry["slug"]: entry for entry in json.loads(vigil(home, "catalog", "ls", "--json").stdout)
    }
    assert listed[entries[0]["slug"]]["origin"] == "curated"
    assert listed["example-import"]["name"] == "Example import"


def test_a_catalogue_with_a_bad_entry_imports_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    exported = tmp_path / "catalogue.json"
    vigil(home, "catalog", "export", "--out", str(exported))
    entries = json.loads(exported.read_text(encoding="utf-8"))
    entries[0]["name"] = "Renamed but never imported"
    entries[1]["cost"] = "cheap"
    exported.write_text(json.dumps(entries), encoding="utf-8")
    refused = vigil(home, "catalog", "import", str(exported), check=False)
    assert refused.returncode == 2
    assert "cost: unknown cost 'cheap'" in refused.stderr
    listed = json.loads(vigil(home, "catalog", "ls", "--json").stdout)
    assert len(listed) >= 80  # the seed, as shipped
    assert all(entry["origin"] == "seed" and not entry["hidden"] for entry in listed)
    assert "Renamed but never imported" not in {entry["name"] for entry in listed}


def test_an_export_to_an_unknown_format_is_refused(tmp_path: Path) -> None:
    refused = vigil(
        tmp_path / "home", "catalog", "export", "--out", str(tmp_path / "c.csv"), check=False
    )
    assert refused.returncode == 2
    assert "must end in .yaml, .yml or .json" in refused.stderr


def test_a_hub_admin_approves_a_member_by_e_mail_from_the_command_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    vigil(home, "members", "allow-domain", "FR", "police-test.example")
    register = (
        "from vigil.records.bootstrap import setup_django; setup_django(); "
        "from vigil.hub.community.membership import Applicant, register; "
        "register(Applicant('Officer Test', 'Brigade', 'FR', 'officer@police-test.example'), "
        "'a long enough passphrase')"
    )
    subprocess.run(
        [sys.executable, "-c", register], env=instance_env(home), check=True, timeout=300
    )
    pending = json.loads(vigil(home, "members", "ls", "--pending", "--json").stdout)
    assert [row["email"] for row in pending] == ["officer@police-test.example"]
    approved = vigil(home, "members", "approve", "Officer@Police-Test.example")
    assert "Approved Officer Test" in approved.stdout
    assert "Your membership is approved" in approved.stdout  # the console mail backend
    members = json.loads(vigil(home, "members", "ls", "--json").stdout)
    assert [(row["email"], row["active"]) for row in members] == [
        ("officer@police-test.example", True)
    ]
    again = vigil(home, "members", "approve", "officer@police-test.example", check=False)
    assert again.returncode == 2 and "no pending request" in again.stderr
    audit = vigil(home, "audit", "ls", "--limit", "20").stdout
    assert "hub.membership_approved" in audit
