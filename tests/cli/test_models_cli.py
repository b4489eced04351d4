"""`vigil models` as an administrator runs it: a real process, its own instance folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import vigil

pytestmark = pytest.mark.slow


def test_an_imported_model_is_listed_verified_audited_and_a_changed_one_fails(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    vigil(home, "init")
    weights = tmp_path / "detector.onnx"
    weights.write_bytes(b"pretend weights")
    imported = vigil(
        home, "models", "import", str(weights),
        "--name", "Test detector", "--licence", "Apache-2.0", "--origin", "built by the test",
    )  # fmt: skip
    assert "Imported 'Test detector'" in imported.stdout

    (listed,) = json.loads(vigil(home, "models", "ls", "--json").stdout)
    assert (listed["name"], listed["licence"], listed["size"]) == (
        "Test detector",
        "Apache-2.0",
        15,
    )
    assert listed["used_by"] == [] and Path(listed["path"]).read_bytes() == b"pretend weights"
    assert "1 model(s) verified" in vigil(home, "models", "verify").stdout

    stored = Path(listed["path"])
    stored.chmod(0o644)
    stored.write_bytes(b"tampered weights")
    failed = vigil(home, "models", "verify", check=False)
    assert failed.returncode == 1
    assert "now hashes to" in failed.stderr

    log = json.loads(vigil(home, "audit", "ls", "--json").stdout)
    actions = [(entry["action"], entry["outcome"]) for entry in log]
    assert ("models.import", "ok") in actions
    assert ("models.verify", "failed") in actions


def test_a_model_for_an_analyzer_that_takes_none_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    vigil(home, "init")
    weights = tmp_path / "m.onnx"
    weights.write_bytes(b"x")
    refused = vigil(
        home, "models", "import", str(weights), "--name", "M", "--licence", "MIT",
        "--origin", "test", "--analyzer", "hashes", check=False,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "hashes takes no stored model" in refused.stderr
    assert json.loads(vigil(home, "models", "ls", "--json").stdout) == []
