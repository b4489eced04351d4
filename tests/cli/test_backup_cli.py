"""`vigil backup` and `vigil restore` as an operator runs them: a triaged instance is backed up,
restored into an empty one, and found whole; a tampered backup is refused, naming the file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.builders.seizure import build_mixed_seizure
from tests.instance import instance_env

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


def _items(home: Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(vigil(home, "items", "--case", "op", "--json").stdout)
    return sorted((item["path"], item["sha256"], item["status"]) for item in items)  # type: ignore[return-value]


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An instance with a triaged seizure and audit entries, and its backup."""
    root = tmp_path_factory.mktemp("backup")
    seizure = build_mixed_seizure(root / "seizure")
    home = root / "home"
    vigil(home, "triage", str(seizure.root), "--case", "op", "--executor", "inline", "--quiet")
    vigil(home, "verify", "--case", "op")
    vigil(home, "audit", "head")
    vigil(home, "backup", "--out", str(root / "backup"))
    return home, root / "backup"


def _copy(backup: Path, target: Path) -> Path:
    shutil.copytree(backup, target)
    for directory, _, names in os.walk(target):
        for name in names:
            os.chmod(os.path.join(directory, name), 0o644)
    return target


def test_a_backup_restores_into_an_empty_instance_and_everything_verifies(
    backed_up: tuple[Path, Path], tmp_path: Path
) -> None:
    source, backup = backed_up
    manifest = json.loads((backup / "manifest.json").read_text())
    assert vigil(source, "backup", "--verify", str(backup)).returncode == 0
    restored = tmp_path / "restored"

    report = json.loads(vigil(restored, "restore", str(backup), "--json").stdout)

    assert report["ok"] is True
    assert {check["name"]: check["ok"] for check in report["checks"]} == {
        "files": True,
        "counts": True,
        "audit": True,
        "store": True,
    }
    audit = json.loads(vigil(restored, "audit", "verify", "--json").stdout)
    assert audit["ok"] is True
    # The saved chain, with the restore itself appended to it.
    assert audit["checked"] == manifest["counts"]["audit_entries"] + 1
    # Newest last: the restore, that verify, this read.
    recent = json.loads(vigil(restored, "audit", "ls", "--json", "--limit", "3").stdout)
    restore_entry = recent[0]
    assert restore_entry["action"] == "backup.restore" and restore_entry["outcome"] == "ok"
    assert _items(restored) == _items(source)
    assert len(_items(restored)) == manifest["counts"]["items"]
    assert vigil(restored, "verify", "--case", "op").returncode == 0


def test_restore_refuses_an_instance_that_is_not_empty(backed_up: tuple[Path, Path]) -> None:
    source, backup = backed_up
    before = _items(source)

    refused = vigil(source, "restore", str(backup), check=False)

    assert refused.returncode == 2
    assert "not an empty instance" in refused.stderr and "cases_case" in refused.stderr
    assert _items(source) == before


def test_a_changed_blob_byte_fails_verification_and_the_restore_naming_the_file(
    backed_up: tuple[Path, Path], tmp_path: Path
) -> None:
    _, backup = backed_up
    tampered = _copy(backup, tmp_path / "tampered")
    blob = sorted((tampered / "store" / "blobs").rglob("*"))[-1]
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0x01
    blob.write_bytes(bytes(data))
    named = str(blob.relative_to(tampered))

    checked = vigil(tmp_path / "any", "backup", "--verify", str(tampered), check=False)
    assert checked.returncode == 1
    assert named in checked.stdout.replace("\n", "") and "changed" in checked.stdout

    empty = tmp_path / "empty"
    refused = vigil(empty, "restore", str(tampered), check=False)
    assert refused.returncode == 1
    assert named in refused.stderr.replace("\n", "") and "nothing was restored" in refused.stderr
    assert not any((empty / "store" / "blobs").rglob("*"))


def test_a_removed_file_fails_verification_naming_it(
    backed_up: tuple[Path, Path], tmp_path: Path
) -> None:
    _, backup = backed_up
    tampered = _copy(backup, tmp_path / "tampered")
    thumbnail = sorted((tampered / "store" / "thumbs").rglob("*.jpg"))[0]
    thumbnail.unlink()

    checked = vigil(tmp_path / "any", "backup", "--verify", str(tampered), "--json", check=False)

    assert checked.returncode == 1
    report = json.loads(checked.stdout)
    assert report["problems"] == [f"{thumbnail.relative_to(tampered)}: missing"]
