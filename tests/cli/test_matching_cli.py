"""Hash lists from the command line: import, ls, match, export, as an investigator runs them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.builders.seizure import photo_bytes
from tests.cli.test_cli import vigil
from tests.matching.builders import write_csv, write_rds

pytestmark = pytest.mark.slow


def test_import_list_match_and_export_a_case(tmp_path: Path) -> None:
    home = tmp_path / "home"
    root = tmp_path / "seizure"
    root.mkdir()
    known, other = photo_bytes(1), photo_bytes(2)
    (root / "known.jpg").write_bytes(known)
    (root / "other.jpg").write_bytes(other)
    (root / "system.dll").write_bytes(b"MZ known good\n")
    vigil(home, "triage", str(root), "--case", "op", "--quiet")

    illicit = write_csv(
        tmp_path / "list.csv", [{"md5": hashlib.md5(known).hexdigest(), "category": "1"}]
    )
    result = vigil(home, "hashlist", "import", str(illicit), "--name", "agency", "--origin", "unit")
    assert "51 entries" in result.stdout
    good = hashlib.sha256(b"MZ known good\n").hexdigest()
    rds = write_rds(tmp_path / "rds.db", [(good, "0" * 40, "0" * 32, "system.dll")])
    vigil(home, "hashlist", "import", str(rds), "--name", "nsrl", "--date", "2025-03-01")

    lists = json.loads(vigil(home, "hashlist", "ls", "--json").stdout)
    assert [(row["name"], row["kind"], row["entries"]) for row in lists] == [
        ("agency", "known_illicit", 51),
        ("nsrl", "known_good", 1),
    ]
    assert "agency" in vigil(home, "hashlist", "ls").stdout
    again = vigil(home, "hashlist", "import", str(illicit), "--name", "agency", check=False)
    assert again.returncode == 2 and "exists" in again.stderr

    summary = json.loads(vigil(home, "match", "--case", "op", "--json").stdout)
    assert summary["statuses"] == {"known_good": 1, "known_illicit": 1, "unknown": 1}

    out = tmp_path / "export.json"
    vigil(home, "export", "--case", "op", "--format", "vics", "--out", str(out))
    document = json.loads(out.read_text())
    assert [media["Category"] for media in document["value"]] == [1]
    manifest = json.loads((tmp_path / "export.json.manifest.json").read_text())
    assert manifest["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()

    entries = json.loads(vigil(home, "audit", "ls", "--json").stdout)
    actions = [(entry["action"], entry["outcome"]) for entry in entries]
    assert ("hashlist.import", "ok") in actions and ("hashlist.import", "failed") not in actions
    assert ("match.run", "ok") in actions and ("export.write", "ok") in actions
    assert "intact" in vigil(home, "audit", "verify").stdout
