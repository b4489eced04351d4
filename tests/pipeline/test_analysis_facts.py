"""A deterministic tool run under governance keeps its facts and derived images: the scenes of
a video and a thumbnail of each keyframe join the content's media, numbered after triage's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.media.test_scenes import SAMPLES, join_videos

pytestmark = pytest.mark.usefixtures("django_instance")


@pytest.fixture
def seizure(tmp_path: Path, shared_data: Path) -> Path:
    root = tmp_path / "seizure"
    root.mkdir()
    join_videos(
        root / "joined.mp4",
        (shared_data / SAMPLES / "doorknob-hd-no-bar.mp4", 2.0),
        (shared_data / SAMPLES / "test-padded-dimensions.mp4", 2.0),
    )
    shutil.copy(shared_data / "exif-samples/jpg/Canon_40D.jpg", root / "photo.jpg")
    return root


def test_scenes_and_their_keyframes_are_kept_and_a_second_run_reuses_the_numbers(
    seizure: Path, case_name: str
) -> None:
    from vigil.analyzers.video_scenes.analyzer import VideoScenesAnalyzer
    from vigil.pipeline.analysis import execute_run, start_run
    from vigil.pipeline.service import instance_store, triage
    from vigil.records.cases.models import Case

    triage(case_name, seizure, executor="inline")
    case = Case.objects.get(name=case_name)
    video = case.items.get(name="joined.mp4").blob
    assert video is not None
    from_triage = video.thumbnails

    for _ in range(2):
        run = start_run(case, VideoScenesAnalyzer, actor="test")
        execute_run(run, instance_store(), workers=1)
        video.refresh_from_db()
        scenes = video.media["video_scenes"]
        assert [scene["number"] for scene in scenes["scenes"]] == [0, 1]
        assert scenes["run"] == str(run.run_id)
        assert (scenes["first_thumbnail"], scenes["thumbnail_count"]) == (from_triage, 2)
        assert video.thumbnails == from_triage + 2
    store = instance_store()
    for index in range(video.thumbnails):
        assert store.thumbnail_path(video.sha256, index).read_bytes()[:2] == b"\xff\xd8"
    photo = case.items.get(name="photo.jpg").blob
    assert photo is not None and "video_scenes" not in photo.media
