"""Triage end to end, in process: every entry accounted for, nothing touched, nothing twice."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from tests.builders.seizure import build_mixed_seizure, photo_bytes, snapshot

pytestmark = pytest.mark.usefixtures("django_instance")


def _triage(case: str, path: Path, executor: str = "inline"):  # type: ignore[no-untyped-def]
    from vigil.pipeline.service import triage

    return triage(case, path, executor=executor, workers=2)  # type: ignore[arg-type]


def _items(case: str):  # type: ignore[no-untyped-def]
    from vigil.records.cases.models import Item

    return Item.objects.filter(case__name=case).select_related("blob")


def test_every_entry_of_a_seizure_becomes_an_item_and_the_counts_add_up(
    tmp_path: Path, case_name: str
) -> None:
    seizure = build_mixed_seizure(tmp_path / "seizure")
    summary, _ = _triage(case_name, seizure.root)
    assert summary.enumerated == seizure.expected_items
    assert summary.adds_up
    failed = {item.error_code for item in _items(case_name).filter(status="failed")}
    assert failed == set(seizure.expected_failed_codes)


def test_the_process_pool_gives_the_same_items_as_inline(tmp_path: Path, case_name: str) -> None:
    seizure = build_mixed_seizure(tmp_path / "seizure")
    _triage(case_name + "-inline", seizure.root, "inline")
    _triage(case_name + "-pool", seizure.root, "process")

    def rows(case: str) -> set[tuple[str, str, str | None, str | None]]:
        return {(i.path, i.status, i.blob_id, i.error_code) for i in _items(case)}

    assert rows(case_name + "-inline") == rows(case_name + "-pool")


def test_identical_files_share_one_stored_copy_but_stay_separate_items(
    tmp_path: Path, case_name: str
) -> None:
    seizure = build_mixed_seizure(tmp_path / "seizure")
    _triage(case_name, seizure.root)
    original = _items(case_name).get(path="DCIM/IMG_0000.jpg")
    copy = _items(case_name).get(path="DCIM/copy-of-IMG_0000.jpg")
    assert original.pk != copy.pk
    assert original.blob_id == copy.blob_id


def test_archive_members_keep_their_full_path_of_origin(tmp_path: Path, case_name: str) -> None:
    seizure = build_mixed_seizure(tmp_path / "seizure")
    _triage(case_name, seizure.root)
    member = _items(case_name).get(name="c.jpg")
    assert member.origin == ["Downloads/holiday.zip", "nested/inner.zip", "c.jpg"]
    assert member.path == "Downloads/holiday.zip!/nested/inner.zip!/c.jpg"
    assert member.depth == 2
    assert member.parent is not None and member.parent.name == "nested/inner.zip"
    assert member.blob is not None and member.blob.type_label == "jpeg"


def test_an_image_gets_dimensions_a_pdq_hash_and_a_thumbnail(
    tmp_path: Path, case_name: str, django_instance: Path
) -> None:
    seizure = build_mixed_seizure(tmp_path / "seizure")
    _triage(case_name, seizure.root)
    blob = _items(case_name).get(path="DCIM/IMG_0003.jpg").blob
    assert (blob.width, blob.height) == (96, 64)
    assert blob.pdq is not None and len(blob.pdq) == 64
    thumbnail = django_instance / "store" / "thumbs" / blob.sha256[:2] / f"{blob.sha256}-0.jpg"
    assert thumbnail.read_bytes().startswith(b"\xff\xd8")


def test_a_name_that_lies_about_the_type_is_flagged(tmp_path: Path, case_name: str) -> None:
    seizure = build_mixed_seizure(tmp_path / "seizure")
    _triage(case_name, seizure.root)
    report = _items(case_name).get(path="Documents/report.pdf")
    assert report.extension_mismatch
    assert report.status == "processed"
    assert "extension_mismatch" in {issue["code"] for issue in report.issues}


def test_symlinks_are_recorded_and_never_followed(tmp_path: Path, case_name: str) -> None:
    seizure = build_mixed_seizure(tmp_path / "seizure")
    _triage(case_name, seizure.root)
    escape = _items(case_name).get(path="Documents/escape")
    assert escape.kind == "symlink"
    assert escape.link_target == "/etc/hostname"
    assert escape.blob_id is None
    assert "link_escapes_source" in {issue["code"] for issue in escape.issues}


def test_originals_are_unchanged_after_a_run(tmp_path: Path, case_name: str) -> None:
    seizure = build_mixed_seizure(tmp_path / "seizure")
    before = snapshot(seizure.root)
    _triage(case_name, seizure.root, "process")
    assert snapshot(seizure.root) == before


def test_running_a_finished_source_again_adds_nothing(tmp_path: Path, case_name: str) -> None:
    seizure = build_mixed_seizure(tmp_path / "seizure")
    first, _ = _triage(case_name, seizure.root)
    count = _items(case_name).count()
    again, stats = _triage(case_name, seizure.root)
    assert again.already_complete
    assert _items(case_name).count() == count == first.enumerated
    assert stats.items_written == 0


def test_a_single_archive_can_be_the_whole_source(tmp_path: Path, case_name: str) -> None:
    archive = tmp_path / "export.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr("one.jpg", photo_bytes(1))
        out.writestr("two.jpg", photo_bytes(2))
    archive.write_bytes(buffer.getvalue())
    summary, _ = _triage(case_name, archive)
    assert summary.enumerated == 3
    assert {i.path for i in _items(case_name)} == {
        "export.zip",
        "export.zip!/one.jpg",
        "export.zip!/two.jpg",
    }


def test_a_fifo_is_recorded_without_being_opened(tmp_path: Path, case_name: str) -> None:
    root = tmp_path / "seizure"
    root.mkdir()
    os.mkfifo(root / "pipe")
    (root / "a.txt").write_text("a")
    summary, _ = _triage(case_name, root)
    assert summary.enumerated == 2 and summary.adds_up
    pipe = _items(case_name).get(path="pipe")
    assert pipe.kind == "special"
    assert "special_file" in {issue["code"] for issue in pipe.issues}


def test_the_empty_file_is_an_item_with_the_empty_digests(tmp_path: Path, case_name: str) -> None:
    root = tmp_path / "seizure"
    root.mkdir()
    (root / "empty.bin").write_bytes(b"")
    _triage(case_name, root)
    item = _items(case_name).get()
    assert item.status == "processed"
    assert item.blob.md5 == "d41d8cd98f00b204e9800998ecf8427e"
    assert item.blob.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
