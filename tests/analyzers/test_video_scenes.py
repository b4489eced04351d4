"""The video_scenes analyzer and per-keyframe analysis, on two sample videos joined at 2 s."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.media.test_scenes import FPS, SAMPLES, join_videos
from vigil.analyzers.context import AnalyzerContext
from vigil.analyzers.video_scenes.analyzer import VideoScenesAnalyzer
from vigil.analyzers.video_scenes.keyframes import analyze_keyframes


@pytest.fixture(scope="module")
def joined(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import SHARED_DATA

    samples = SHARED_DATA / SAMPLES
    return join_videos(
        tmp_path_factory.mktemp("video-scenes") / "joined.mp4",
        (samples / "doorknob-hd-no-bar.mp4", 2.0),
        (samples / "test-padded-dimensions.mp4", 2.0),
    )


def video_context(path: Path, **parameters: object) -> AnalyzerContext:
    return AnalyzerContext(
        sha256="0" * 64,
        family="video",
        type_label="mp4",
        name="joined.mp4",
        path=path,
        parameters=parameters,
    )


def test_the_analyzer_states_each_scene_as_a_fact_with_a_thumbnail(joined: Path) -> None:
    ctx = video_context(joined)
    VideoScenesAnalyzer().analyze(ctx)
    scenes = ctx.output.facts["scenes"]
    assert [(s["number"], s["frame"]) for s in scenes] == [(0, 0), (1, 2 * FPS)]
    assert scenes[1]["timestamp_s"] == pytest.approx(2.0, abs=1 / FPS)
    assert ctx.output.facts["frames_decoded"] == 4 * FPS
    assert sorted(ctx.output.derived) == [0, 1]
    assert all(max(Image.open(io.BytesIO(j)).size) == 256 for j in ctx.output.derived.values())
    assert ctx.output.suggestions == [] and ctx.output.issues == []


def test_its_parameters_reach_the_detector(joined: Path) -> None:
    ctx = video_context(joined, max_keyframes=1, thumb_size=64)
    VideoScenesAnalyzer().analyze(ctx)
    assert len(ctx.output.facts["scenes"]) == 1
    assert [issue.code for issue in ctx.output.issues] == ["scenes_truncated"]
    assert max(Image.open(io.BytesIO(ctx.output.derived[0])).size) == 64


def mean_colour_step(ctx: AnalyzerContext) -> None:
    """A small real image step: says whether the picture is grey or colourful."""
    with Image.open(ctx.open()) as img:
        saturation = float(np.asarray(img.convert("HSV"))[..., 1].mean())
        size = img.size
    ctx.suggest("colourful" if saturation > 20 else "grey", 0.9, size=list(size))
    if saturation > 20:
        ctx.warn("bright", "saturated colours")


def test_an_image_step_runs_on_each_keyframe_and_each_output_says_where(joined: Path) -> None:
    ctx = video_context(joined, keyframe_side=200)
    analyze_keyframes(ctx, mean_colour_step)
    labels = [(s.label, s.data["keyframe"]) for s in ctx.output.suggestions]
    assert labels == [
        ("grey", {"number": 0, "frame": 0, "timestamp_s": 0.0}),
        ("colourful", {"number": 1, "frame": 60, "timestamp_s": 2.0}),
    ]
    assert all(max(s.data["size"]) == 200 for s in ctx.output.suggestions)
    (issue,) = ctx.output.issues
    assert issue.code == "bright" and issue.message.startswith("Keyframe at 2.00 s:")


def test_an_unreadable_video_gives_one_error_and_runs_no_image_step(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video")
    ctx = video_context(broken)
    analyze_keyframes(ctx, mean_colour_step)
    assert ctx.output.suggestions == []
    assert [issue.code for issue in ctx.output.issues] == ["video_corrupt"]
