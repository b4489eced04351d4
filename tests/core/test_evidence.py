"""The evidence policy: only paths under a root, never the instance's own files, the same
words for a refused path and a missing one, and the file actually opened checked again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vigil.core.evidence import REFUSAL, EvidencePolicy, EvidenceRefused


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    roots = tmp_path / "seizures"
    home = tmp_path / "seizures" / "vigil"  # an instance folder that lies inside a root
    (roots / "op-a").mkdir(parents=True)
    (roots / "op-a" / "photo.jpg").write_bytes(b"jpeg")
    (home / "store").mkdir(parents=True)
    (home / "secret_key").write_text("s3cret")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "passwd").write_text("root:x:0:0")
    return {"root": roots, "home": home, "outside": outside}


def policy_for(layout: dict[str, Path]) -> EvidencePolicy:
    home = layout["home"]
    return EvidencePolicy.build([layout["root"]], [home, home / "store", home / "secret_key"])


def test_a_folder_under_a_root_is_admitted_resolved(layout: dict[str, Path]) -> None:
    policy = policy_for(layout)
    given = layout["root"] / "op-a" / ".." / "op-a"
    assert policy.admit(given) == (layout["root"] / "op-a").resolve()


@pytest.mark.parametrize(
    "where",
    [
        lambda p: p["home"],
        lambda p: p["home"] / "store",
        lambda p: p["home"] / "secret_key",
        lambda p: p["root"],  # holds the instance home
        lambda p: p["outside"] / "passwd",
        lambda p: p["root"] / "op-a" / ".." / ".." / "elsewhere",
        lambda p: p["root"] / "op-a" / "absent.jpg",
    ],
    ids=["home", "store", "secret key", "root holding home", "outside", "dot-dot", "missing"],
)
def test_protected_outside_and_missing_paths_get_the_same_words(
    layout: dict[str, Path], where: object
) -> None:
    path = where(layout)  # type: ignore[operator]
    with pytest.raises(EvidenceRefused) as refused:
        policy_for(layout).admit(path)
    assert str(refused.value) == REFUSAL.format(path=path)


def test_a_symlink_inside_a_root_that_points_at_the_instance_is_refused(
    layout: dict[str, Path],
) -> None:
    link = layout["root"] / "op-a" / "blobs"
    link.symlink_to(layout["home"] / "store")
    with pytest.raises(EvidenceRefused):
        policy_for(layout).admit(link)


def test_relative_paths_and_nul_bytes_are_refused(layout: dict[str, Path]) -> None:
    for path in ("op-a", str(layout["root"] / "op-a") + "\x00x", ""):
        with pytest.raises(EvidenceRefused):
            policy_for(layout).admit(path)


def test_no_roots_admit_nothing(layout: dict[str, Path]) -> None:
    with pytest.raises(EvidenceRefused):
        EvidencePolicy.build([], []).admit(layout["root"] / "op-a")


def test_a_missing_path_where_evidence_may_lie_is_admitted_for_later(
    layout: dict[str, Path],
) -> None:
    policy = policy_for(layout)
    later = layout["root"] / "not-mounted-yet"
    assert policy.admit(later, must_exist=False) == later.resolve()
    with pytest.raises(EvidenceRefused):
        policy.admit(layout["home"] / "not-yet", must_exist=False)


def test_the_file_opened_is_checked_not_the_name_it_was_opened_by(
    layout: dict[str, Path],
) -> None:
    policy = policy_for(layout)
    source = str((layout["root"] / "op-a").resolve())
    photo = layout["root"] / "op-a" / "photo.jpg"
    fd = os.open(photo, os.O_RDONLY)
    try:
        assert policy.permits_open(fd, str(photo), source)
    finally:
        os.close(fd)
    fd = os.open(layout["home"] / "secret_key", os.O_RDONLY)  # as if a folder were swapped
    try:
        assert not policy.permits_open(fd, str(photo), source)
    finally:
        os.close(fd)
