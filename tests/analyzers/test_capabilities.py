"""The capabilities read what an analyzer accepts, guarded: an image through `load_image`, a
video through `open_video`. A damaged or hostile file becomes an issue, never a crash."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.builders import images as build
from vigil.analyzers.base import Analyzer, VideoInput
from vigil.analyzers.context import AnalyzerContext
from vigil.analyzers.face_detection.analyzer import FaceDetectionAnalyzer
from vigil.analyzers.face_recognition.analyzer import FaceRecognitionAnalyzer
from vigil.analyzers.video_metadata.analyzer import VideoMetadataAnalyzer
from vigil.analyzers.video_scenes.analyzer import VideoScenesAnalyzer

RED, BLUE = (255, 0, 0), (0, 0, 255)
IMAGE_ANALYZERS = [FaceDetectionAnalyzer, FaceRecognitionAnalyzer]


@pytest.fixture(autouse=True)
def pillow_limit_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    # The pixel limit is process-global: a test that lowers it must not refuse later tests.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS)


def image_context(content: bytes, **parameters: Any) -> AnalyzerContext:
    return AnalyzerContext(
        sha256="0" * 64, family="image", type_label="png", data=content, parameters=parameters
    )


def codes(ctx: AnalyzerContext) -> list[str]:
    return [issue.code for issue in ctx.output.issues]


def png_broken_after_its_first_chunk() -> bytes:
    """A PNG whose second pixel chunk has a garbage header: Pillow opens it, then raises
    SyntaxError while decoding."""
    plain = build.encode(build.photo_pixels(64, 48), "PNG")
    idat = plain.index(b"IDAT") - 4  # the chunk's length field
    first = plain[idat + 8 : idat + 13]  # the first five bytes of the pixel stream
    chunk = struct.pack(">I", len(first)) + b"IDAT" + first
    chunk += struct.pack(">I", zlib.crc32(b"IDAT" + first) & 0xFFFFFFFF)
    return plain[:idat] + chunk + b"\x00\x00\x00\x0a\x00\x01\x02\x03" + b"x" * 30


# -- images -----------------------------------------------------------------------------------


@pytest.mark.parametrize("analyzer", IMAGE_ANALYZERS, ids=lambda a: a.name)
@pytest.mark.parametrize(
    "content",
    [build.truncated_jpeg(), b"\xff\xd8\xff\xe0 not really", png_broken_after_its_first_chunk()],
    ids=["truncated jpeg", "jpeg header alone", "png broken part-way"],
)
def test_a_corrupt_image_is_an_image_corrupt_issue_not_a_crash(
    analyzer: type[Analyzer], content: bytes
) -> None:
    ctx = image_context(content)
    analyzer().analyze(ctx)
    assert codes(ctx) == ["image_corrupt"]
    assert "could not be decoded for face" in ctx.output.issues[0].message
    assert ctx.output.suggestions == []


@pytest.mark.parametrize("analyzer", IMAGE_ANALYZERS, ids=lambda a: a.name)
def test_a_picture_declaring_too_many_pixels_is_refused_before_decoding(
    analyzer: type[Analyzer],
) -> None:
    ctx = image_context(build.png_bomb())  # 10 gigapixels declared in a few hundred bytes
    analyzer().analyze(ctx)
    assert codes(ctx) == ["image_corrupt"]
    assert "decompression bomb" in ctx.output.issues[0].message


def test_the_pixel_limit_comes_from_the_run_parameters() -> None:
    small = build.encode(build.photo_pixels(64, 48), "PNG")
    assert FaceDetectionAnalyzer().load_image(image_context(small), purpose="a test")
    ctx = image_context(small, max_pixels=100)
    assert FaceDetectionAnalyzer().load_image(ctx, purpose="a test") is None
    assert codes(ctx) == ["image_corrupt"]


def test_the_exif_orientation_is_honoured_so_the_picture_is_upright() -> None:
    # Stored landscape, red left and blue right; orientation 6 shows it turned clockwise.
    decoded = FaceRecognitionAnalyzer().load_image(
        image_context(build.oriented_jpeg(6)), purpose="a test"
    )
    assert decoded is not None
    assert decoded.rgb.size == decoded.full_size == (60, 120)
    assert near(decoded.rgb.getpixel((30, 10)), RED)
    assert near(decoded.rgb.getpixel((30, 110)), BLUE)


def test_an_analyzer_that_reports_stored_pixels_can_keep_them_as_stored() -> None:
    decoded = FaceDetectionAnalyzer().load_image(
        image_context(build.oriented_jpeg(6)), purpose="a test", upright=False
    )
    assert decoded is not None
    assert decoded.rgb.size == decoded.full_size == (120, 60)
    assert near(decoded.rgb.getpixel((10, 30)), RED)


def test_a_reduced_picture_keeps_its_full_size_in_the_upright_orientation() -> None:
    decoded = FaceRecognitionAnalyzer().load_image(
        image_context(build.oriented_jpeg(6, width=400, height=200)), 100, purpose="a test"
    )
    assert decoded is not None
    assert decoded.rgb.size == (50, 100)
    assert decoded.full_size == (200, 400)


def test_transparency_is_flattened_on_white_and_the_result_is_rgb() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 0, 0)).save(out, "PNG")
    decoded = FaceDetectionAnalyzer().load_image(image_context(out.getvalue()), purpose="a test")
    assert decoded is not None
    assert decoded.rgb.mode == "RGB" and decoded.rgb.getpixel((4, 4)) == (255, 255, 255)


def test_an_analyzer_can_name_the_formats_it_accepts() -> None:
    tga = build.encode(build.photo_pixels(16, 16), "TGA")
    ctx = image_context(tga)
    assert FaceDetectionAnalyzer().load_image(ctx, purpose="a test") is not None
    assert FaceDetectionAnalyzer().load_image(ctx, purpose="a test", formats=("PNG",)) is None
    assert codes(ctx) == ["image_corrupt"]


def near(pixel: Any, colour: tuple[int, int, int]) -> bool:
    return all(abs(int(a) - b) < 40 for a, b in zip(pixel, colour, strict=True))


# -- videos -----------------------------------------------------------------------------------


class FrameCounter(VideoInput, Analyzer):
    """A video analyzer of the test's own that decodes every frame through `open_video`."""

    name = "frame_counter"
    version = "1.0"
    title = summary = "Counts the frames of a video"

    def analyze(self, ctx: AnalyzerContext) -> None:
        counted = 0
        with self.open_video(ctx) as video:
            if video is not None:
                for _ in video.container.decode(video.stream):
                    counted += 1
        ctx.fact("frames", counted)


def video_context(path: Path, **parameters: Any) -> AnalyzerContext:
    return AnalyzerContext(
        sha256="0" * 64, family="video", type_label="mp4", path=path, parameters=parameters
    )


@pytest.mark.parametrize(
    "analyzer", [FrameCounter, VideoScenesAnalyzer, VideoMetadataAnalyzer], ids=lambda a: a.name
)
@pytest.mark.parametrize(
    "content", [b"", b"\x00\x00\x00\x18ftypisom" + b"\x01" * 64], ids=["empty", "mp4 header alone"]
)
def test_a_corrupt_video_is_a_video_corrupt_issue_not_a_crash(
    analyzer: type[Analyzer], content: bytes, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(content)
    ctx = video_context(broken)
    analyzer().analyze(ctx)
    assert codes(ctx) == ["video_corrupt"]
    assert ctx.output.issues[0].message.startswith("The video could not be read: ")


def test_a_readable_video_is_open_on_its_main_stream(tmp_path: Path) -> None:
    ctx = video_context(build.write_video(tmp_path / "clip.mp4", seconds=1.0, fps=10))
    FrameCounter().analyze(ctx)
    assert ctx.output.facts == {"frames": 10} and ctx.output.issues == []


def test_frames_beyond_the_pixel_limit_are_not_decoded(tmp_path: Path) -> None:
    ctx = video_context(build.write_video(tmp_path / "clip.mp4"), max_pixels=64 * 48 - 1)
    FrameCounter().analyze(ctx)
    assert codes(ctx) == ["decompression_bomb"]
    assert ctx.output.facts == {"frames": 0}


def test_a_failure_while_reading_is_reported_as_damage_once_progress_was_made(
    tmp_path: Path,
) -> None:
    class FailsAfterThreeFrames(FrameCounter):
        def analyze(self, ctx: AnalyzerContext) -> None:
            counted = 0

            def progress() -> str | None:
                return f"Counting stopped after {counted} frames" if counted else None

            with self.open_video(ctx, progress=progress) as video:
                assert video is not None
                for _ in video.container.decode(video.stream):
                    counted += 1
                    if counted == 3:
                        raise OSError("the disk went away")

    ctx = video_context(build.write_video(tmp_path / "clip.mp4"))
    FailsAfterThreeFrames().analyze(ctx)
    (issue,) = ctx.output.issues
    assert (issue.code, issue.severity) == ("video_damaged", "warning")
    assert issue.message.startswith("Counting stopped after 3 frames: ")
