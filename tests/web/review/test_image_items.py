"""Files found in a media image, on the item page: where they lay, and of the image itself its
volumes and whether it is what was acquired."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.web.personas import make_person, sign_in

pytestmark = pytest.mark.usefixtures("django_instance")


def test_an_item_from_an_e01_shows_its_inode_and_the_image_its_verified_acquisition(
    tmp_path: Path, case_name: str, shared_data: Path
) -> None:
    from vigil.pipeline.service import triage
    from vigil.records.cases.models import Case, Item

    seizure = tmp_path / "seizure"
    seizure.mkdir()
    shutil.copy(shared_data / "dfvfs" / "test_data" / "ext2.E01", seizure / "laptop.E01")
    triage(case_name, seizure, executor="inline")
    case = Case.objects.get(name=case_name)
    member = sign_in(make_person(f"img-{case_name}", ("reviewer",), cases=(case,)))
    image = Item.objects.get(case=case, path="laptop.E01")
    passwords = Item.objects.get(case=case, path="laptop.E01!/passwords.txt")

    page = member.get(f"/items/{passwords.pk}/").content.decode()
    assert "Where it lay in the image" in page
    assert '<dt>Inode / MFT entry</dt><dd dir="ltr">14</dd>' in page
    assert "allocated" in page and "ext2" in page

    page = member.get(f"/items/{image.pk}/").content.decode()
    assert "verified: the MD5 recorded at acquisition matches the media" in page
    assert "196066add11fb71c4c49cf1bb50d6d24" in page

    arabic = member.get(f"/items/{passwords.pk}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "Where it lay in the image" not in arabic
