"""The `vigil` command as an investigator runs it: a real process, its own instance folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders.seizure import build_mixed_seizure, photo_bytes
from tests.instance import instance_env, on_postgresql

pytestmark = pytest.mark.slow


def vigil(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vigil.cli.main", *args],
        env=instance_env(home, COLUMNS="200"),
        capture_output=True,
        text=True,
        timeout=300,
        check=check,
    )


def test_init_creates_the_database_and_the_store(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = vigil(home, "init")
    assert "Instance ready" in result.stdout
    assert (home / "vigil.sqlite3").is_file() != on_postgresql()
    assert (home / "store" / "blobs").is_dir()
    assert (home / "secret_key").stat().st_mode & 0o077 == 0


def test_triage_writes_a_json_summary_whose_counts_add_up(tmp_path: Path) -> None:
    seizure = build_mixed_seizure(tmp_path / "seizure")
    summary_file = tmp_path / "summary.json"
    vigil(
        tmp_path / "home",
        "triage",
        str(seizure.root),
        "--case",
        "op",
        "--workers",
        "2",
        "--quiet",
        "--json-summary",
        str(summary_file),
    )
    summary = json.loads(summary_file.read_text())
    source = summary["sources"][0]
    assert summary["items"] == seizure.expected_items
    assert source["enumerated"] == source["processed"] + source["failed"]
    assert source["errors"] == {"image_corrupt": 1}


def test_the_printed_summary_says_the_counts_add_up(tmp_path: Path) -> None:
    root = tmp_path / "seizure"
    root.mkdir()
    (root / "a.jpg").write_bytes(photo_bytes(1))
    result = vigil(tmp_path / "home", "triage", str(root), "--case", "op", "--quiet")
    assert result.stdout == ""
    result = vigil(tmp_path / "home", "triage", str(root), "--case", "op")
    assert "Already triaged" in result.stdout


def test_items_lists_hashes_and_types_as_json(tmp_path: Path) -> None:
    root = tmp_path / "seizure"
    root.mkdir()
    (root / "a.jpg").write_bytes(photo_bytes(1))
    home = tmp_path / "home"
    vigil(home, "triage", str(root), "--case", "op", "--quiet")
    items = json.loads(vigil(home, "items", "--case", "op", "--json").stdout)
    assert [item["path"] for item in items] == ["a.jpg"]
    assert items[0]["type"] == "jpeg" and len(items[0]["sha256"]) == 64
    table = vigil(home, "items", "--case", "op").stdout
    assert "a.jpg" in table and "processed" in table


def test_cases_lists_each_case_with_its_counts(tmp_path: Path) -> None:
    root = tmp_path / "seizure"
    root.mkdir()
    (root / "a.jpg").write_bytes(photo_bytes(1))
    home = tmp_path / "home"
    vigil(home, "triage", str(root), "--case", "alpha", "--quiet")
    vigil(home, "triage", str(root), "--case", "beta", "--quiet")
    cases = json.loads(vigil(home, "cases", "--json").stdout)
    assert [(case["name"], case["items"]) for case in cases] == [("alpha", 1), ("beta", 1)]


def test_verify_passes_then_catches_one_flipped_byte_in_a_stored_copy(tmp_path: Path) -> None:
    root = tmp_path / "seizure"
    root.mkdir()
    (root / "a.jpg").write_bytes(photo_bytes(1))
    (root / "b.jpg").write_bytes(photo_bytes(2))
    home = tmp_path / "home"
    vigil(home, "triage", str(root), "--case", "op", "--quiet")
    assert "All stored copies match" in vigil(home, "verify", "--case", "op").stdout

    sha = json.loads(vigil(home, "items", "--case", "op", "--json").stdout)[0]["sha256"]
    stored = home / "store" / "blobs" / sha[:2] / sha[2:4] / sha
    stored.chmod(0o644)
    data = bytearray(stored.read_bytes())
    data[len(data) // 2] ^= 0x01
    stored.write_bytes(bytes(data))

    result = vigil(home, "verify", "--case", "op", "--json", check=False)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert [(p["sha256"], p["kind"]) for p in report["problems"]] == [(sha, "mismatch")]


def test_an_unknown_case_is_a_clear_error(tmp_path: Path) -> None:
    result = vigil(tmp_path / "home", "items", "--case", "nope", check=False)
    assert result.returncode == 2
    assert "no case named 'nope'" in result.stderr


def test_a_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    result = vigil(
        tmp_path / "home", "triage", str(tmp_path / "absent"), "--case", "x", check=False
    )
    assert result.returncode == 2
    assert "No evidence can be read at" in result.stderr
    assert "Evidence roots:" in result.stderr


def test_a_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vigil.cli.main", "cases"],
        env=instance_env(tmp_path / "h", VIGIL_DEBUG="maybe"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "VIGIL_DEBUG" in result.stderr
