from __future__ import annotations

import io
import json
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from tests.builders import images as build
from vigil.media.video import VideoAnalysis, analyze_video


def codes(analysis: VideoAnalysis) -> list[str]:
    return [issue.code for issue in analysis.issues]


def thumbnails(analysis: VideoAnalysis) -> list[Image.Image]:
    return [Image.open(io.BytesIO(jpeg)) for jpeg in analysis.keyframe_thumbnails]


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build.write_video(tmp_path_factory.mktemp("video") / "clip.mp4")


def test_a_clip_reports_its_duration_size_codec_rate_and_container(clip: Path) -> None:
    analysis = analyze_video(clip)

    assert analysis.duration_s == pytest.approx(2.0, abs=0.05)
    assert (analysis.width, analysis.height) == (64, 48)
    assert analysis.codec == "mpeg4"
    assert analysis.fps == pytest.approx(25.0)
    assert analysis.container is not None and "mp4" in analysis.container
    assert analysis.has_audio is False
    assert analysis.issues == []


def test_keyframes_are_spread_over_the_duration(clip: Path) -> None:
    # the clip has a keyframe every 0.48 s; the samples aim at 1/6, 3/6 and 5/6 of 2 s
    analysis = analyze_video(clip, keyframes=3)

    assert analysis.keyframe_times == [0.0, 0.96, 1.44]
    assert len(analysis.keyframe_thumbnails) == 3
    first, middle, _ = (np.asarray(image).astype(int) for image in thumbnails(analysis))
    assert np.abs(first - middle).mean() > 1  # the square moved: different pictures


def test_asking_for_more_keyframes_than_exist_gives_each_once(clip: Path) -> None:
    analysis = analyze_video(clip, keyframes=40)

    assert analysis.keyframe_times == [0.0, 0.48, 0.96, 1.44, 1.92]
    assert len(analysis.keyframe_thumbnails) == 5


def test_no_keyframes_asked_gives_the_facts_alone(clip: Path) -> None:
    analysis = analyze_video(clip, keyframes=0)

    assert analysis.keyframe_thumbnails == [] and analysis.issues == []
    assert analysis.codec == "mpeg4"


def test_keyframe_thumbnails_are_small_rgb_jpegs_without_metadata(tmp_path: Path) -> None:
    video = build.write_video(tmp_path / "wide.mp4", size=(320, 180), seconds=1.0)

    for image in thumbnails(analyze_video(video, thumb_size=100)):
        assert image.format == "JPEG" and image.mode == "RGB"
        assert image.size == (100, 56)
        assert not image.getexif() and "comment" not in image.info


@pytest.mark.parametrize(
    ("rotation", "red_side"),
    [(-90, "top"), (90, "bottom"), (180, "right")],
    ids=["turn-clockwise", "turn-counter-clockwise", "upside-down"],
)
def test_a_phone_video_with_a_display_rotation_gets_upright_thumbnails(
    tmp_path: Path, rotation: int, red_side: str
) -> None:
    video = build.write_video(
        tmp_path / "phone.mp4", size=(96, 48), rotation=rotation, red_left_half=True
    )

    (image,) = thumbnails(analyze_video(video, keyframes=1))

    pixels = np.asarray(image).astype(int)[..., 1]  # green: ~0 in the red half
    height, width = pixels.shape
    assert (width, height) == ((96, 48) if rotation == 180 else (48, 96))
    sides = {
        "top": pixels[: height // 4],
        "bottom": pixels[-height // 4 :],
        "left": pixels[:, : width // 4],
        "right": pixels[:, -width // 4 :],
    }
    assert sides[red_side].mean() < 60
    assert sides[_opposite(red_side)].mean() > 60


def _opposite(side: str) -> str:
    return {"top": "bottom", "bottom": "top", "left": "right", "right": "left"}[side]


def test_an_audio_file_has_no_video_stream(tmp_path: Path) -> None:
    path = tmp_path / "voice.wav"
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("pcm_s16le", rate=8000)
        frame = av.AudioFrame.from_ndarray(
            np.zeros((1, 800), np.int16), format="s16", layout="mono"
        )
        frame.sample_rate = 8000
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))

    analysis = analyze_video(path)

    assert codes(analysis) == ["video_no_stream"]
    assert analysis.container == "wav" and analysis.has_audio is True


@pytest.mark.parametrize(
    "content",
    [b"", b"definitely not a video\n" * 50, b"\x00\x00\x00\x18ftypmp42" + bytes(200)],
    ids=["empty", "text", "mp4-header-only"],
)
def test_a_file_that_is_no_readable_video_is_corrupt(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.mp4"
    path.write_bytes(content)

    assert codes(analyze_video(path)) == ["video_corrupt"]


@pytest.mark.parametrize("keep", [0.3, 0.7, 0.95])
def test_a_truncated_video_is_reported_never_raised(
    clip: Path, tmp_path: Path, keep: float
) -> None:
    data = clip.read_bytes()
    path = tmp_path / "cut.mp4"
    path.write_bytes(data[: int(len(data) * keep)])

    analysis = analyze_video(path)

    assert analysis.issues, "a cut file must not look intact"
    assert all(code in ("video_corrupt", "video_damaged") for code in codes(analysis))


def test_a_missing_file_is_reported_never_raised(tmp_path: Path) -> None:
    assert codes(analyze_video(tmp_path / "gone.mp4")) == ["video_corrupt"]


def test_the_result_is_plain_data_for_the_process_pool(clip: Path) -> None:
    import pickle

    analysis = analyze_video(clip)

    assert pickle.loads(pickle.dumps(analysis)) == analysis
    json.dumps(
        {k: v for k, v in vars(analysis).items() if k not in ("keyframe_thumbnails", "issues")}
    )


# Meta's TMK/vPDQ sample videos: frame counts and last timestamps come from the vPDQ reference
# hash files (EXPECTED.json), one line per frame at 30 fps.
SAMPLES = {
    "chair-19-sd-bar.mp4": (564, 18.767),
    "doorknob-hd-no-bar.mp4": (120, 3.967),
    "pattern-hd-no-bar.mp4": (206, 6.833),
    "pattern-sd-grey-bar.mp4": (206, 6.833),
    "pattern-sd-with-small-logo-bar.mp4": (206, 6.833),
    "test-padded-dimensions.mp4": (150, 4.967),
}


@pytest.mark.parametrize(("name", "frames_and_last"), SAMPLES.items(), ids=list(SAMPLES))
def test_the_reference_sample_videos_are_described_and_thumbnailed(
    shared_data: Path, name: str, frames_and_last: tuple[int, float]
) -> None:
    frames, last_timestamp = frames_and_last
    analysis = analyze_video(shared_data / "threatexchange/tmk/sample-videos" / name)

    assert analysis.issues == []
    assert analysis.codec == "h264" and analysis.fps == pytest.approx(30.0)
    assert analysis.duration_s is not None
    assert last_timestamp < analysis.duration_s <= frames / 30 + 0.2
    assert analysis.width and analysis.height
    if "-hd-" in name:
        assert max(analysis.width, analysis.height) == 1280
    elif "-sd-" in name:
        assert max(analysis.width, analysis.height) == 720
    images = thumbnails(analysis)
    assert 1 <= len(images) <= 3 and len(images) == len(analysis.keyframe_times)
    assert analysis.keyframe_times == sorted(set(analysis.keyframe_times))
    assert all(0 <= t < analysis.duration_s for t in analysis.keyframe_times)
    for image in images:
        assert max(image.size) == 256
        assert image.width / image.height == pytest.approx(
            analysis.width / analysis.height, rel=0.02
        )
