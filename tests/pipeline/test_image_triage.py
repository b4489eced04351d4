"""Triage of a seizure holding media images: the files inside are items whose path of origin
goes on from the image, with where they lay; split EWF images are read from their segments;
the counts add up and the originals are untouched."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from tests.builders.disk_images import ewf_of, fat_image, partitioned_disk
from tests.builders.images import photo_jpeg
from tests.builders.seizure import snapshot

pytestmark = pytest.mark.usefixtures("django_instance")

EXTERNAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "external"
EXT2_E01 = EXTERNAL / "dfvfs" / "test_data" / "ext2.E01"
PHOTO = photo_jpeg(64, 48)


def test_each_file_of_an_e01_is_an_item_with_its_origin_inode_and_the_acquisition_check(
    tmp_path: Path, case_name: str
) -> None:
    from vigil.pipeline.service import triage
    from vigil.records.cases.models import Item

    seizure = tmp_path / "seizure"
    seizure.mkdir()
    shutil.copy(EXT2_E01, seizure / "laptop.E01")
    before = snapshot(seizure)

    summary, _ = triage(case_name, seizure, executor="inline")

    assert summary.adds_up
    items = {item.path: item for item in Item.objects.filter(case__name=case_name)}
    assert len(items) == summary.enumerated
    image = items["laptop.E01"]
    assert image.facts["acquisition"]["verified"] is True
    assert image.facts["image"]["volumes"][0]["file_system"] == "ext2"
    passwords = items["laptop.E01!/passwords.txt"]
    assert passwords.origin == ["laptop.E01", "passwords.txt"]
    assert passwords.parent_id == image.pk
    assert passwords.facts["inode"] == 14 and passwords.size == 116
    assert passwords.blob_id == "02a2a6af2f1ecf4720d7d49d640f0d0a269a7ec733e41973bdd34f09dad0e252"
    assert passwords.status == Item.Status.PROCESSED
    assert snapshot(seizure) == before


def test_a_split_e01_is_read_from_all_its_segments_and_the_later_ones_say_what_they_are(
    tmp_path: Path, case_name: str
) -> None:
    from vigil.pipeline.service import triage
    from vigil.records.cases.models import Item

    work = tmp_path / "work"
    work.mkdir()
    # Incompressible content, so that the E01 needs more than one 1 MiB segment.
    files = {f"photos/{n:03}.jpg": PHOTO + random.Random(n).randbytes(30_000) for n in range(60)}
    raw = partitioned_disk(work / "disk.raw", "gpt", {"readme.txt": b"fat\n"}, files)
    seizure = tmp_path / "seizure"
    seizure.mkdir()
    ewf_of(raw, seizure / "disk", segment_bytes=1024 * 1024)
    segments = sorted(path.name for path in seizure.iterdir())
    assert segments[:2] == ["disk.E01", "disk.E02"], segments

    summary, _ = triage(case_name, seizure, executor="inline")

    assert summary.adds_up
    items = {item.path: item for item in Item.objects.filter(case__name=case_name)}
    photos = [path for path in items if path.startswith("disk.E01!/p2/photos/")]
    assert len(photos) == 60
    assert items["disk.E01"].facts["acquisition"]["verified"] is True
    later = items["disk.E02"]
    assert [issue["code"] for issue in later.issues] == ["ewf_segment"]


def test_a_deleted_file_of_a_usb_image_is_an_item_flagged_deleted(
    tmp_path: Path, case_name: str
) -> None:
    from vigil.pipeline.service import triage
    from vigil.records.cases.models import Item

    seizure = tmp_path / "seizure"
    seizure.mkdir()
    gone = photo_jpeg(80, 60, seed=7)
    fat_image(seizure / "usb.dd", {"kept.jpg": PHOTO}, {"gone.jpg": gone})

    summary, _ = triage(case_name, seizure, executor="process", workers=2)

    assert summary.adds_up
    deleted = [
        item for item in Item.objects.filter(case__name=case_name) if item.facts.get("deleted")
    ]
    assert len(deleted) == 1
    assert deleted[0].status == Item.Status.PROCESSED and deleted[0].size == len(gone)
    assert "deleted_file" in [issue["code"] for issue in deleted[0].issues]
    assert Item.objects.filter(case__name=case_name, facts__deleted=True).count() == 1
