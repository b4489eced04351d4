"""Meta's reference variants of one photo (blurred, shrunk, sharpened, re-saturated, squared)
match the original's PDQ within 31; unrelated photos do not; rotated copies only with rotations."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.matching.builders import write_csv
from tests.matching.test_engine import import_list, lists, statuses, triaged  # noqa: F401

pytestmark = pytest.mark.usefixtures("django_instance")

TE = "threatexchange/pdq/data"


def _pdq_of_original(shared_data: Path) -> str:
    from vigil.media.image import analyze_image

    pdq = analyze_image((shared_data / TE / "bridge-mods/aaa-orig.jpg").read_bytes()).pdq
    assert pdq is not None
    return pdq


def test_degraded_copies_match_and_unrelated_photos_do_not(
    tmp_path: Path,
    shared_data: Path,
    case_name: str,
    lists: list[Any],  # noqa: F811
) -> None:
    from vigil.matching.engine import match_case

    root = tmp_path / "seizure"
    shutil.copytree(shared_data / TE / "bridge-mods", root / "mods")
    shutil.copytree(shared_data / TE / "reg-test-input/labelme-subset", root / "unrelated")
    shutil.copytree(shared_data / TE / "reg-test-input/dih", root / "turned")
    case = triaged(case_name, root)
    # A list that knows the original only by its PDQ hash: every copy must be found by likeness.
    listed = write_csv(
        tmp_path / "list.csv", [{"pdq": _pdq_of_original(shared_data), "category": "1"}], noise=0
    )
    import_list(listed, f"bridge-{case_name}"[:100], lists)

    match_case(case)
    found = statuses(case)
    for name in [n for n in found if n.startswith("mods/")]:
        assert found[name][0] == "near", name
    for name in [n for n in found if n.startswith("unrelated/")]:
        assert found[name][0] == "unknown", name
    assert found["turned/bridge-1-original.jpg"][0] == "near"
    assert found["turned/bridge-2-rotate-90.jpg"][0] == "unknown"

    match_case(case, dihedral=True)
    turned = {n: s for n, (s, _) in statuses(case).items() if n.startswith("turned/")}
    assert set(turned.values()) == {"near"}, turned
