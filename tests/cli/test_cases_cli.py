"""`vigil cases`: each case's sources and items counted once, however many sources it has."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.builders.seizure import photo_bytes
from tests.cli.test_cli import vigil

pytestmark = pytest.mark.slow


def _seizure(root: Path, photos: int, seed: int, *, broken: bool = False) -> Path:
    root.mkdir()
    for index in range(photos):
        (root / f"IMG_{index}.jpg").write_bytes(photo_bytes(seed * 100 + index))
    if broken:  # a cut-off JPEG: an item that failed
        (root / "broken.jpg").write_bytes(photo_bytes(seed * 100 + 99)[:200])
    return root


def test_items_are_not_multiplied_by_the_sources_of_their_case(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for number, photos in enumerate((1, 2, 4), start=1):
        seizure = _seizure(tmp_path / f"seizure-{number}", photos, number, broken=number == 3)
        vigil(home, "triage", str(seizure), "--case", "three", "--executor", "inline", "--quiet")
    seizure = _seizure(tmp_path / "seizure-4", 3, 4)
    vigil(home, "triage", str(seizure), "--case", "one", "--executor", "inline", "--quiet")
    # The truth, from a query of its own: one row per item.
    listed_items = json.loads(vigil(home, "items", "--case", "three", "--json").stdout)
    assert len(listed_items) == 8

    cases = json.loads(vigil(home, "cases", "--json").stdout)

    assert [(row["name"], row["sources"], row["items"], row["failed"]) for row in cases] == [
        ("one", 1, 3, 0),
        ("three", 3, 8, 1),
    ]
    table = vigil(home, "cases").stdout
    row = next(line for line in table.splitlines() if "three" in line)
    cells = [cell.strip() for cell in row.split("│")[1:-1]]
    assert cells[2:] == ["3", "8", "1"]  # sources, items, failed
