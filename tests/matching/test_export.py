"""Exports: VICS 2.0 and CSV round trips, a manifest that matches, nothing half-written."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.builders.seizure import photo_bytes

pytestmark = pytest.mark.usefixtures("django_instance")


@pytest.fixture
def matched_case(tmp_path: Path, case_name: str) -> Iterator[Any]:
    """A triaged case with three items of two contents on an illicit VICS list, one unknown."""
    from vigil.matching.engine import match_case
    from vigil.matching.importer import ListOptions, delete_list, import_list
    from vigil.pipeline.service import triage
    from vigil.records.cases.models import Case

    root = tmp_path / "seizure"
    root.mkdir()
    for name, seed in (("a.jpg", 1), ("a-copy.jpg", 1), ("b.jpg", 2), ("c.jpg", 3)):
        (root / name).write_bytes(photo_bytes(seed))
    triage(case_name, root, executor="inline")
    case = Case.objects.get(name=case_name)
    a, b = (case.items.get(name=name).blob for name in ("a.jpg", "b.jpg"))
    listed = tmp_path / "list.json"
    media = [
        {"MediaID": 7, "Category": 1, "MD5": a.md5, "SHA1": a.sha1, "Series": "S",
         "VictimIdentified": "true", "IsDistributed": "false"},
        {"MediaID": 8, "Category": 2, "MD5": b.md5, "OffenderIdentified": True},
    ]  # fmt: skip
    listed.write_text(json.dumps({"@odata.context": "x#Media", "value": media}))
    made = [import_list(listed, ListOptions(name=f"{case_name}-list"), actor="test").hash_list]
    match_case(case, lists=made)
    yield case
    for hash_list in made:
        delete_list(hash_list)


def reimport(path: Path, name: str) -> list[dict[str, Any]]:
    from vigil.matching.importer import ListOptions, delete_list, entry_of, import_list

    hash_list = import_list(path, ListOptions(name=name), actor="test").hash_list
    entries = [entry_of(row).as_dict() for row in hash_list.entries.order_by("md5")]
    delete_list(hash_list)
    return entries


def test_a_vics_export_imports_back_to_the_same_entries(matched_case: Any, tmp_path: Path) -> None:
    from vigil.matching.export import export_case

    out = tmp_path / "out.json"
    result = export_case(matched_case, out, "vics", actor="test")
    assert result.count == 2
    a, b = (matched_case.items.get(name=name).blob for name in ("a.jpg", "b.jpg"))
    entries = reimport(out, f"{matched_case.name}-back")
    by_md5 = {entry["md5"]: entry for entry in entries}
    assert len(entries) == 2
    first, second = by_md5[a.md5], by_md5[b.md5]
    assert (first["sha1"], first["category"], first["series"]) == (a.sha1, "1", "S")
    assert (first["victim_identified"], first["is_distributed"]) == (True, False)
    assert sorted(first["file_names"]) == ["a-copy.jpg", "a.jpg"]
    assert (second["sha1"], second["category"], second["offender_identified"]) == (
        b.sha1,
        "2",
        True,
    )


def test_a_csv_export_imports_back_to_the_same_hashes_and_categories(
    matched_case: Any, tmp_path: Path
) -> None:
    from vigil.matching.export import export_case

    out = tmp_path / "out.csv"
    export_case(matched_case, out, "csv", actor="test")
    entries = reimport(out, f"{matched_case.name}-csv")
    blobs = {item.blob.md5: item.blob for item in matched_case.items.all()}
    assert [(e["sha1"], e["sha256"], e["category"]) for e in entries] == sorted(
        [(blobs[e["md5"]].sha1, blobs[e["md5"]].sha256, e["category"]) for e in entries]
    )
    assert {e["category"] for e in entries} == {"1", "2"}


def test_the_manifest_names_the_count_and_the_sha256_of_the_file(
    matched_case: Any, tmp_path: Path
) -> None:
    from vigil.matching.export import export_case

    out = tmp_path / "out.json"
    export_case(matched_case, out, "vics", actor="test")
    manifest = json.loads((tmp_path / "out.json.manifest.json").read_text())
    assert manifest["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert (manifest["count"], manifest["case"], manifest["tool"]) == (
        2,
        matched_case.name,
        "vigil",
    )


def test_a_failed_export_leaves_no_partial_file_and_the_old_one_intact(
    matched_case: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.matching import export

    out = tmp_path / "out.json"
    out.write_text("the previous export\n")

    def broken(media_id: int, content: Any) -> dict[str, Any]:
        raise OSError("disk full")

    monkeypatch.setattr(export, "_media", broken)
    with pytest.raises(OSError, match="disk full"):
        export.export_case(matched_case, out, "vics", actor="test")
    assert out.read_text() == "the previous export\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["list.json", "out.json", "seizure"]
