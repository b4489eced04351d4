"""Videos against hash lists by vPDQ: the same footage re-encoded matches, other footage does not.

The list holds Meta's reference vPDQ hashes (every frame) of `pattern-sd-with-small-logo-bar`;
the seizure holds the same footage under a grey bar instead of the logo, and an unrelated video.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vigil.matching.formats.entry import BadRow, clean_vpdq, vpdq_frames

pytestmark = pytest.mark.usefixtures("django_instance")

VIDEOS = "threatexchange/tmk/sample-videos"
HASHES = "threatexchange/vpdq/sample-hashes"


def reference_compact(shared_data: Path, name: str) -> str:
    """Meta's reference file (index,quality,pdq_hex,timestamp lines) in the compact form."""
    frames = []
    for line in (shared_data / HASHES / f"{name}.txt").read_text().splitlines():
        _, quality, pdq_hex, seconds = line.split(",")
        frames.append(f"{pdq_hex},{quality},{seconds}")
    return json.dumps(frames)


@pytest.fixture
def video_list(tmp_path: Path, shared_data: Path) -> Iterator[Any]:
    from vigil.matching.importer import ListOptions, delete_list, import_list

    path = tmp_path / "videos.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["vpdq", "category", "series"])
        writer.writerow(
            [reference_compact(shared_data, "pattern-sd-with-small-logo-bar"), "1", "pattern"]
        )
        writer.writerow([reference_compact(shared_data, "doorknob-hd-no-bar"), "2", "doorknob"])
    result = import_list(path, ListOptions(name=f"videos-{tmp_path.name}"), actor="test")
    yield result.hash_list
    delete_list(result.hash_list)


@pytest.fixture
def seizure(tmp_path: Path, shared_data: Path) -> Path:
    root = tmp_path / "seizure"
    root.mkdir()
    for name in ("pattern-sd-grey-bar", "chair-19-sd-bar"):
        shutil.copy(shared_data / VIDEOS / f"{name}.mp4", root / f"{name}.mp4")
    return root


def test_a_list_counts_its_video_entries_and_indexes_their_frames(video_list: Any) -> None:
    from vigil.matching.indexes import index_path

    assert (video_list.entry_count, video_list.vpdq_count, video_list.pdq_count) == (2, 2, 0)
    assert index_path(video_list.pk, "vpdq").is_file()


def test_the_same_footage_re_encoded_matches_by_vpdq_and_other_footage_does_not(
    video_list: Any, seizure: Path, case_name: str
) -> None:
    from vigil.matching.review import NEAR, UNKNOWN
    from vigil.pipeline.service import triage
    from vigil.records.cases.models import Case
    from vigil.records.matching.models import Match

    triage(case_name, seizure, executor="inline")  # triage ends by matching
    case = Case.objects.get(name=case_name)

    pattern = case.items.get(name="pattern-sd-grey-bar.mp4")
    chair = case.items.get(name="chair-19-sd-bar.mp4")
    assert (pattern.match_status, chair.match_status) == (NEAR, UNKNOWN)
    match = Match.objects.get(item=pattern)
    assert match.kind == Match.Kind.NEAR_VPDQ
    assert match.entry.series == "pattern"
    assert match.query_match_percent is not None and match.query_match_percent >= 80.0
    assert match.target_match_percent is not None and match.target_match_percent > 0.0
    assert 0 <= match.distance < 31
    assert not Match.objects.filter(item=chair).exists()


def test_the_share_of_frames_needed_is_the_investigators_choice(
    video_list: Any, seizure: Path, case_name: str
) -> None:
    from vigil.matching.engine import match_case
    from vigil.pipeline.service import triage
    from vigil.records.cases.models import Case
    from vigil.records.matching.models import Match

    triage(case_name, seizure, executor="inline")
    case = Case.objects.get(name=case_name)
    match = Match.objects.get(item__case=case, kind=Match.Kind.NEAR_VPDQ)
    # The seizure's copy holds one frame a second, the list every frame: far fewer than half the
    # listed frames are in the copy, so the match rests on the copy's own frames (query side).
    assert match.target_match_percent is not None and match.target_match_percent < 50.0
    share = match.query_match_percent
    assert share is not None

    assert match_case(case, lists=[video_list], video_percent=share).video == 1
    assert match_case(case, lists=[video_list], video_percent=min(share + 0.5, 100.0)).video == (
        1 if share + 0.5 > 100.0 else 0
    )


@pytest.mark.parametrize(
    "value",
    [
        '["' + "a" * 64 + ',100,0.0", "' + "b" * 64 + ',87,1.0"]',
        [[0.0, 100, "a" * 64], [1.0, 87, "B" * 64]],
        [
            {"hash": "a" * 64, "quality": 100, "timestamp": 0},
            {"hash": "b" * 64, "quality": 87, "timestamp": 1},
        ],
    ],
    ids=["compact-json", "triage-triples", "meta-objects"],
)
def test_vpdq_is_accepted_in_its_usual_shapes_and_stored_in_one(value: object) -> None:
    compact = clean_vpdq(value)
    assert compact is not None
    assert vpdq_frames(compact) == [("a" * 64, 100, 0.0), ("b" * 64, 87, 1.0)]


@pytest.mark.parametrize(
    "value",
    ["not json", "[]", '["abc,100,0"]', '["' + "a" * 64 + ',101,0"]', '["' + "a" * 64 + ',50,-1"]'],
    ids=["not-json", "empty", "short-hash", "quality", "negative-time"],
)
def test_a_malformed_vpdq_is_a_bad_row(value: str) -> None:
    with pytest.raises(BadRow):
        clean_vpdq(value)
