"""A seizure made of every bad-input class: each becomes an item with its code; the run goes
on; the counts add up; nothing is written outside the store; the originals are untouched."""

from __future__ import annotations

import io
import os
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from tests.builders import archives, images
from tests.builders.seizure import snapshot

pytestmark = pytest.mark.usefixtures("django_instance")


def _nest(depth: int) -> bytes:
    data = b"the innermost file\n"
    name = "core.txt"
    for level in range(depth):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr(name, data)
        data, name = out.getvalue(), f"level{level}.zip"
    return data


def _bad_seizure(root: Path) -> Path:
    root.mkdir(parents=True)
    archives.build_ratio_bomb_zip(root / "bombs")
    archives.build_gz_bomb(root / "bombs")
    archives.build_overlapping_zip(root / "bombs")
    archives.build_traversal_zip(root / "names")
    archives.build_weird_names_zip(root / "names")
    archives.build_link_tar(root / "links")
    archives.build_encrypted_zip(root / "locked")
    archives.build_encrypted_7z(root / "locked", encrypt_headers=True)
    archives.build_truncated_zip(root / "damaged")
    images_dir = root / "images"
    images_dir.mkdir()
    (images_dir / "bomb.png").write_bytes(images.png_bomb())
    (images_dir / "truncated.jpg").write_bytes(images.truncated_jpeg())
    (images_dir / "bad-exif.jpg").write_bytes(images.malformed_exif_jpeg("past_end"))
    (root / "deep.zip").write_bytes(_nest(5))
    (root / "bell\x07name.txt").write_text("control character in the name")
    (root / "invoice\u202egpj.exe").write_text("right-to-left override in the name")
    (root / os.fsdecode(b"latin1-caf\xe9.txt")).write_text("not UTF-8")
    return root


def test_every_bad_input_class_becomes_an_item_with_its_code(
    tmp_path: Path, case_name: str
) -> None:
    from vigil.pipeline.service import triage
    from vigil.records.cases.models import Item

    root = _bad_seizure(tmp_path / "seizure")
    before = snapshot(root)
    summary, _ = triage(case_name, root, executor="process", workers=2)

    assert summary.adds_up
    items = list(Item.objects.filter(case__name=case_name))
    assert len(items) == summary.enumerated
    codes = Counter(issue["code"] for item in items for issue in item.issues)
    expected = {
        "zip_bomb_ratio",
        "overlapping_entries",
        "path_traversal",
        "absolute_path",
        "drive_letter_path",
        "control_characters",
        "bidi_characters",
        "not_utf8",
        "archive_symlink",
        "archive_hardlink",
        "link_escapes_archive",
        "encrypted",
        "encrypted_archive",
        "archive_corrupt",
        "decompression_bomb",
        "image_corrupt",
        "exif_malformed",
        "max_depth_reached",
        "naive_time",
    }
    assert expected <= set(codes), f"missing: {expected - set(codes)}"
    assert snapshot(root) == before
    # Nothing was extracted by name: no file appeared anywhere outside the seizure and store.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seizure"]


def test_a_member_after_a_bomb_is_still_read(tmp_path: Path, case_name: str) -> None:
    from vigil.pipeline.service import triage
    from vigil.records.cases.models import Item

    root = tmp_path / "seizure"
    archives.build_ratio_bomb_zip(root)
    triage(case_name, root, executor="inline")
    after = Item.objects.get(case__name=case_name, name=archives.AFTER_BOMB[0])
    assert after.status == "processed"
    bomb = Item.objects.get(case__name=case_name, error_code="zip_bomb_ratio")
    assert bomb.blob_id is None


def test_failed_items_say_why_in_plain_words(tmp_path: Path, case_name: str) -> None:
    from vigil.pipeline.service import triage
    from vigil.records.cases.models import Item

    root = tmp_path / "seizure"
    root.mkdir()
    (root / "truncated.jpg").write_bytes(images.truncated_jpeg())
    triage(case_name, root, executor="inline")
    item = Item.objects.get(case__name=case_name)
    assert item.status == "failed" and item.error_code == "image_corrupt"
    assert item.blob_id is not None, "a corrupt image is still hashed and stored"
    message = next(i["message"] for i in item.issues if i["code"] == "image_corrupt")
    assert len(message) > 20


def test_a_compressed_single_file_is_named_after_the_archive(
    tmp_path: Path, case_name: str
) -> None:
    import lzma

    from vigil.pipeline.service import triage
    from vigil.records.cases.models import Item

    root = tmp_path / "seizure"
    root.mkdir()
    (root / "ledger.csv.xz").write_bytes(lzma.compress(b"date,amount\n2026-01-01,100\n"))
    triage(case_name, root, executor="inline")
    member = Item.objects.get(case__name=case_name, depth=1)
    assert member.path == "ledger.csv.xz!/ledger.csv"
