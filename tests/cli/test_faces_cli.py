"""Grouping faces across a case, as an investigator does it after two governance officers
approved face_recognition: real processes, an instance folder of their own. The seizure holds
the advert with the boy's face three times over (as sent, mirrored, enlarged), a photo of a
video game's bars and a landscape without people."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.cli.test_analyze_cli import _add_user
from tests.cli.test_cli import vigil

pytestmark = pytest.mark.slow

ADVERT = "exif-samples/jpg/invalid/image00971.jpg"
LEGAL = ["--legal-basis", "Warrant 2026/114, art. 57 CCP", "--necessity", "Victim identification"]


@pytest.fixture
def instance(tmp_path: Path, shared_data: Path) -> Path:
    home = tmp_path / "home"
    seizure = tmp_path / "seizure"
    seizure.mkdir()
    with Image.open(shared_data / ADVERT) as img:
        advert = img.convert("RGB")
    advert.save(seizure / "advert.jpg", quality=92)
    advert.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(seizure / "mirrored.jpg", quality=92)
    advert.resize((advert.width * 2, advert.height * 2)).save(seizure / "big.jpg", quality=92)
    shutil.copy(shared_data / "exif-samples/jpg/orientation/landscape_1.jpg", seizure)
    vigil(home, "triage", str(seizure), "--case", "op", "--quiet")
    _add_user(home, "olga", "governance_officer")
    _add_user(home, "omar", "governance_officer")
    _add_user(home, "ivan", "investigator")
    return home


def test_the_same_face_in_three_photos_forms_one_group_without_the_faces_reviewers_reject(
    instance: Path,
) -> None:
    before = vigil(instance, "faces", "cluster", "--case", "op", "--user", "ivan", check=False)
    assert before.returncode == 3 and "face_recognition" in before.stderr

    vigil(instance, "tools", "assess", "face_recognition", "--submit", "--user", "ivan")
    vigil(instance, "tools", "approve", "face_recognition", "--user", "olga")
    vigil(instance, "tools", "approve", "face_recognition", "--user", "omar")
    not_run = vigil(instance, "faces", "cluster", "--case", "op", "--user", "ivan", check=False)
    assert not_run.returncode == 2 and "vigil analyze" in not_run.stderr

    ran = vigil(
        instance,
        "analyze",
        "--case",
        "op",
        "--tool",
        "face_recognition",
        "--user",
        "ivan",
        *LEGAL,
        "--json",
        "--workers",
        "1",
    )
    assert json.loads(ran.stdout)["analyzed"] == 4
    clustered = vigil(instance, "faces", "cluster", "--case", "op", "--user", "ivan")
    assert "groups" in clustered.stdout

    document = json.loads(vigil(instance, "faces", "ls", "--case", "op", "--json").stdout)
    assert document["threshold"] == 0.6 and len(document["model_digest"]) == 64
    largest = document["groups"][0]
    assert largest["number"] == 1 and largest["size"] == 3
    paths = sorted(Path(face["item_path"]).name for face in largest["faces"])
    assert paths == ["advert.jpg", "big.jpg", "mirrored.jpg"]
    assert all(face["box"] and face["confidence"] for face in largest["faces"])
    assert sum(group["size"] for group in document["groups"]) == document["faces"]

    table = vigil(instance, "faces", "ls", "--case", "op")
    assert "not identities" in table.stdout

    # A face a reviewer rejects is left out of the next grouping; the earlier one stays.
    vigil(
        instance,
        "decide",
        str(largest["faces"][0]["suggestion"]),
        "--reject",
        "--user",
        "ivan",
        "--reason",
        "not a face",
    )
    vigil(instance, "faces", "cluster", "--case", "op", "--user", "ivan")
    again = json.loads(vigil(instance, "faces", "ls", "--case", "op", "--json").stdout)
    assert again["skipped"] == {"rejected by a reviewer": 1}
    assert again["faces"] == document["faces"] - 1 and again["groups"][0]["size"] == 2

    assert vigil(instance, "audit", "verify").returncode == 0
