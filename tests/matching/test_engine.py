"""Matching a triaged case, in process: exact, near, known-good, review order, idempotence."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.builders.seizure import photo_bytes
from tests.matching.builders import flip_bits, write_csv, write_rds

pytestmark = pytest.mark.usefixtures("django_instance")

PHOTO = "exif-samples/jpg/Canon_40D.jpg"


@pytest.fixture
def lists() -> Iterator[list[Any]]:
    """Lists made by the test, removed afterwards: other tests share this instance."""
    made: list[Any] = []
    yield made
    from vigil.matching.importer import delete_list

    for hash_list in made:
        delete_list(hash_list)


def import_list(path: Path, name: str, made: list[Any], **options: Any) -> Any:
    from vigil.matching.importer import ListOptions, import_list

    result = import_list(path, ListOptions(name=name, **options), actor="test")
    made.append(result.hash_list)
    return result.hash_list


def triaged(case: str, root: Path) -> Any:
    from vigil.pipeline.service import triage
    from vigil.records.cases.models import Case

    triage(case, root, executor="inline")
    return Case.objects.get(name=case)


def blob_of(case: Any, name: str) -> Any:
    return case.items.select_related("blob").get(name=name).blob


def statuses(case: Any) -> dict[str, tuple[str, str | None]]:
    return {item.name: (item.match_status, item.match_category) for item in case.items.all()}


@pytest.fixture
def seizure(tmp_path: Path, shared_data: Path) -> Path:
    root = tmp_path / "seizure"
    root.mkdir()
    (root / "a.jpg").write_bytes(photo_bytes(1))
    (root / "a-copy.jpg").write_bytes(photo_bytes(1))
    (root / "b.jpg").write_bytes(photo_bytes(2))
    shutil.copy(shared_data / PHOTO, root / "c.jpg")
    (root / "d.txt").write_text("a system file the NSRL knows\n")
    (root / "e.jpg").write_bytes(photo_bytes(3))
    (root / "g.bin").write_bytes(b"on both lists\n")
    return root


def test_items_become_known_illicit_near_known_good_or_unknown(
    seizure: Path, case_name: str, lists: list[Any], tmp_path: Path
) -> None:
    from vigil.matching.engine import match_case
    from vigil.matching.review import in_review_order
    from vigil.records.matching.models import Match

    case = triaged(case_name, seizure)
    a, b, c, d, g = (blob_of(case, name) for name in ("a.jpg", "b.jpg", "c.jpg", "d.txt", "g.bin"))
    assert c.pdq_quality >= 50
    near_pdq = flip_bits(c.pdq, [0, 9, 77, 130, 255])
    illicit = write_csv(
        tmp_path / "illicit.csv",
        [
            {"md5": a.md5, "category": "1", "series": "S-A"},
            {"sha256": b.sha256, "category": "2"},
            {"pdq": near_pdq, "category": "3"},
            {"sha1": g.sha1, "category": ""},
        ],
    )
    rds = write_rds(
        tmp_path / "rds.db",
        [(d.sha256, d.sha1, d.md5, "d.txt"), (g.sha256, g.sha1, g.md5, "g.bin")],
    )
    chosen = [
        import_list(illicit, f"{case_name}-illicit", lists),
        import_list(rds, f"{case_name}-nsrl", lists, kind="known_good"),
    ]

    summary = match_case(case, lists=chosen)

    assert statuses(case) == {
        "a.jpg": ("known_illicit", "vics:1"),
        "a-copy.jpg": ("known_illicit", "vics:1"),
        "b.jpg": ("known_illicit", "vics:2"),
        "c.jpg": ("near", "vics:3"),
        "d.txt": ("known_good", None),
        "e.jpg": ("unknown", None),
        "g.bin": ("known_illicit", "uncategorised"),  # the illicit match wins over the NSRL
    }
    near = Match.objects.get(item__case=case, kind="near_pdq")
    assert (near.distance, near.dihedral) == (5, False)
    assert summary.statuses == {"known_good": 1, "known_illicit": 4, "near": 1, "unknown": 1}

    order = [item.match_status for item in in_review_order(case.items.all())]
    assert order == ["unknown", "near", *["known_illicit"] * 4, "known_good"]

    before = sorted(Match.objects.filter(item__case=case).values_list("item", "entry", "kind"))
    match_case(case, lists=chosen)
    after = sorted(Match.objects.filter(item__case=case).values_list("item", "entry", "kind"))
    assert after == before and len(before) == 7  # a, a-copy, b, c, d, g twice
    assert statuses(case)["c.jpg"] == ("near", "vics:3")


def test_a_rotated_copy_matches_only_when_dihedral_matching_is_asked_for(
    seizure: Path, case_name: str, lists: list[Any], tmp_path: Path
) -> None:
    from vigil.matching.engine import match_case
    from vigil.records.matching.models import Match

    case = triaged(case_name, seizure)
    photo = blob_of(case, "c.jpg")
    variants = photo.media["pdq_dihedral"]
    assert len(variants) == 8 and variants[0] == photo.pdq
    rotated = flip_bits(variants[1], [3, 100])  # a listed copy, turned by 90 degrees
    listed = write_csv(tmp_path / "rotated.csv", [{"pdq": rotated, "category": "1"}])
    chosen = [import_list(listed, f"{case_name}-rotated", lists)]

    match_case(case, lists=chosen)
    assert statuses(case)["c.jpg"] == ("unknown", None)

    match_case(case, lists=chosen, dihedral=True)
    assert statuses(case)["c.jpg"] == ("near", "vics:1")
    near = Match.objects.get(item__case=case)
    assert (near.distance, near.dihedral) == (2, True)


def test_triage_matches_the_case_when_a_list_exists(
    seizure: Path, case_name: str, lists: list[Any], tmp_path: Path
) -> None:
    from vigil.records.cases.models import Case

    first = triaged(case_name + "-first", seizure)
    listed = write_csv(
        tmp_path / "list.csv", [{"md5": blob_of(first, "e.jpg").md5, "category": "4"}]
    )
    import_list(listed, f"{case_name}-list", lists)

    triaged(case_name, seizure)
    case = Case.objects.get(name=case_name)
    assert statuses(case)["e.jpg"] == ("known_illicit", "vics:4")


def test_an_unmapped_category_is_reported_and_matched_as_uncategorised(
    seizure: Path, case_name: str, lists: list[Any], tmp_path: Path
) -> None:
    from vigil.matching.engine import match_case

    case = triaged(case_name, seizure)
    listed = write_csv(
        tmp_path / "old.csv", [{"md5": blob_of(case, "e.jpg").md5, "category": "5"}], noise=0
    )
    hash_list = import_list(listed, f"{case_name}-old", lists)
    assert [p["code"] for p in hash_list.problems] == ["unmapped_category"]
    assert hash_list.entries.get().category == "5"  # the raw value is kept

    match_case(case, lists=[hash_list])
    assert statuses(case)["e.jpg"] == ("known_illicit", "uncategorised")
