"""`vigil tools evaluate` as a governance officer measures a tool before approving it: a real
process, an instance folder of its own, a labelled folder built by the test."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from tests.cli.test_analyze_cli import _add_user
from tests.cli.test_cli import vigil

pytestmark = pytest.mark.slow


def test_an_officer_measures_a_tool_on_a_labelled_folder_and_the_run_is_audited(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    _add_user(home, "olga", "governance_officer")
    data = tmp_path / "typed"
    data.mkdir()
    for name, fmt in (("a.png", "PNG"), ("b.jpg", "JPEG"), ("c.jpg", "PNG")):
        out = io.BytesIO()
        Image.new("RGB", (32, 32)).save(out, fmt)
        (data / name).write_bytes(out.getvalue())
    (data / "labels.csv").write_text("file,labels\na.png,png\nb.jpg,jpeg\nc.jpg,jpeg\n", "utf-8")
    figures_file = tmp_path / "figures.json"

    shown = vigil(
        home,
        "tools",
        "evaluate",
        "file_type",
        "--data",
        str(data),
        "--fact",
        "type_label",
        "--user",
        "olga",
        "--output",
        str(figures_file),
    )
    assert "overall" in shown.stdout and "66.7%" in shown.stdout
    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    assert figures["analyzer"] == "file_type" and figures["files"] == 3
    assert figures["mistakes"] == [{"file": "c.jpg", "expected": ["jpeg"], "predicted": ["png"]}]

    as_json = json.loads(
        vigil(
            home,
            "tools",
            "evaluate",
            "file_type",
            "--data",
            str(data),
            "--fact",
            "type_label",
            "--user",
            "olga",
            "--json",
        ).stdout
    )
    assert as_json["overall"] == figures["overall"]

    audit = json.loads(vigil(home, "audit", "ls", "--json").stdout)
    evaluations = [entry for entry in audit if entry["action"] == "tools.evaluate"]
    assert len(evaluations) == 2
    assert evaluations[0]["actor"] == "olga"
    assert evaluations[0]["details"]["labels_sha256"] == figures["labels_sha256"]

    broken = tmp_path / "unlabelled"
    broken.mkdir()
    refused = vigil(
        home,
        "tools",
        "evaluate",
        "file_type",
        "--data",
        str(broken),
        "--user",
        "olga",
        check=False,
    )
    assert refused.returncode == 2 and "labels.csv" in refused.stderr
