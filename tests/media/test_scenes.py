"""Scene-change keyframes on ThreatExchange's sample videos: two different videos joined end to
end make one cut at the junction; one continuous hand-held shot makes none."""

from __future__ import annotations

import io
import itertools
from fractions import Fraction
from pathlib import Path

import av
import pytest
from PIL import Image

from tests.builders import images as build
from vigil.media.scenes import detect_scenes

SAMPLES = "threatexchange/tmk/sample-videos"
FPS = 30
SIZE = (320, 180)


def join_videos(target: Path, *parts: tuple[Path, float]) -> Path:
    """The first `seconds` of each (video, seconds) part, one after the other, re-encoded to
    one H.264 stream of SIZE at FPS (the parts differ in size and layout)."""
    with av.open(str(target), mode="w") as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = *SIZE, "yuv420p"
        stream.codec_context.options = {"preset": "ultrafast"}
        written = 0
        for source, seconds in parts:
            with av.open(str(source)) as container:
                for count, frame in enumerate(container.decode(video=0)):
                    if count >= seconds * FPS:
                        break
                    resized = frame.reformat(width=SIZE[0], height=SIZE[1], format="yuv420p")
                    resized.pts, resized.time_base = written, Fraction(1, FPS)
                    out.mux(stream.encode(resized))
                    written += 1
        out.mux(stream.encode(None))
    return target


@pytest.fixture(scope="module")
def joined(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import SHARED_DATA

    samples = SHARED_DATA / SAMPLES
    return join_videos(
        tmp_path_factory.mktemp("scenes") / "joined.mp4",
        (samples / "doorknob-hd-no-bar.mp4", 2.0),
        (samples / "test-padded-dimensions.mp4", 2.0),
    )


def test_two_videos_joined_end_to_end_make_one_cut_at_the_junction(joined: Path) -> None:
    scenes = detect_scenes(joined)
    assert scenes.issues == []
    first, cut = scenes.keyframes
    assert (first.index, first.timestamp, first.score) == (0, 0.0, 0.0)
    assert cut.index == 2 * FPS
    assert cut.timestamp == pytest.approx(2.0, abs=1 / FPS)
    assert cut.score >= 30
    assert scenes.frames_decoded == 4 * FPS


def test_each_keyframe_is_a_jpeg_of_the_first_frame_of_its_scene(joined: Path) -> None:
    door, bars = (Image.open(io.BytesIO(k.jpeg)) for k in detect_scenes(joined).keyframes)
    assert door.format == bars.format == "JPEG"
    assert max(door.size) == max(bars.size) == 256
    # The door is grey; the test pattern has saturated colour bars.
    assert _saturation(door) < 20 < _saturation(bars)


def test_a_continuous_hand_held_shot_has_only_its_first_keyframe(shared_data: Path) -> None:
    chair = shared_data / SAMPLES / "chair-19-sd-bar.mp4"  # 18.8 s, fast pans, no cut
    scenes = detect_scenes(chair, image_side=64)
    assert [k.index for k in scenes.keyframes] == [0]
    assert scenes.frames_decoded == 564


def test_a_lower_threshold_finds_more_and_min_scene_length_holds_them_apart(
    shared_data: Path,
) -> None:
    chair = shared_data / SAMPLES / "chair-19-sd-bar.mp4"
    sensitive = detect_scenes(chair, threshold=8, min_scene_s=0.0, image_side=64)
    spaced = detect_scenes(chair, threshold=8, min_scene_s=2.0, image_side=64)
    assert len(sensitive.keyframes) > len(spaced.keyframes) > 1
    times = [k.timestamp for k in spaced.keyframes]
    assert all(later - earlier >= 2.0 for earlier, later in itertools.pairwise(times))


def test_more_scenes_than_allowed_are_cut_short_with_a_warning(joined: Path) -> None:
    scenes = detect_scenes(joined, max_scenes=1)
    assert len(scenes.keyframes) == 1
    assert [issue.code for issue in scenes.issues] == ["scenes_truncated"]


def test_a_phone_video_gets_upright_keyframes(tmp_path: Path) -> None:
    video = build.write_video(tmp_path / "phone.mp4", size=(64, 32), rotation=-90)
    (keyframe,) = detect_scenes(video).keyframes
    width, height = Image.open(io.BytesIO(keyframe.jpeg)).size
    assert height > width


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"", "video_corrupt"), (b"\x00\x00\x00\x18ftypisom" + b"\x01" * 64, "video_corrupt")],
)
def test_a_file_that_is_no_readable_video_is_reported_never_raised(
    tmp_path: Path, content: bytes, code: str
) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(content)
    scenes = detect_scenes(broken)
    assert scenes.keyframes == []
    assert [issue.code for issue in scenes.issues] == [code]


def test_a_truncated_stream_keeps_the_scenes_found_before_the_damage(
    shared_data: Path, tmp_path: Path
) -> None:
    # MPEG-TS, unlike MP4, has no index at the end: a cut-off copy still decodes up to the cut.
    samples = shared_data / SAMPLES
    stream = join_videos(
        tmp_path / "joined.ts",
        (samples / "doorknob-hd-no-bar.mp4", 1.0),
        (samples / "test-padded-dimensions.mp4", 1.0),
    )
    truncated = tmp_path / "truncated.ts"
    truncated.write_bytes(stream.read_bytes()[: stream.stat().st_size * 3 // 4])
    scenes = detect_scenes(truncated)
    assert [k.index for k in scenes.keyframes] == [0, FPS]
    assert scenes.frames_decoded < 2 * FPS
    assert all(issue.severity == "warning" for issue in scenes.issues)


def test_an_audio_file_has_no_video_stream(tmp_path: Path) -> None:
    audio = tmp_path / "tone.wav"
    with av.open(str(audio), mode="w") as container:
        stream = container.add_stream("pcm_s16le", rate=8000)
        frame = av.AudioFrame(format="s16", layout="mono", samples=800)
        frame.sample_rate = 8000
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    assert [issue.code for issue in detect_scenes(audio).issues] == ["video_no_stream"]


def test_invalid_arguments_are_a_callers_bug(joined: Path) -> None:
    with pytest.raises(ValueError):
        detect_scenes(joined, threshold=0)


def _saturation(image: Image.Image) -> float:
    import numpy as np

    return float(np.asarray(image.convert("HSV"))[..., 1].mean())
