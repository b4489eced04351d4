"""Video facts for triage: duration, codec, resolution, keyframe thumbnails (PyAV)."""

from __future__ import annotations

from typing import Any, ClassVar

from vigil.analyzers.base import Analyzer, Example, VideoInput
from vigil.analyzers.context import AnalyzerContext, AnalyzerOutput
from vigil.media.video import analyze_video


class VideoMetadataAnalyzer(VideoInput, Analyzer):
    name = "video_metadata"
    version = "1.0"
    title = "Video metadata and keyframes"
    summary = "Duration, codec, resolution, frame rate, audio, and up to three keyframe thumbnails."
    triage_step = True
    parameters: ClassVar[dict[str, Any]] = {"keyframes": 3, "thumb_size": 256}

    def analyze(self, ctx: AnalyzerContext) -> None:
        params = {**self.parameters, **ctx.parameters}
        video = analyze_video(
            ctx.file_path(),
            keyframes=int(params["keyframes"]),
            thumb_size=int(params["thumb_size"]),
        )
        ctx.fact("width", video.width)
        ctx.fact("height", video.height)
        ctx.fact("duration_s", video.duration_s)
        ctx.fact("codec", video.codec)
        ctx.fact("container", video.container)
        ctx.fact("fps", video.fps)
        ctx.fact("has_audio", video.has_audio)
        ctx.fact("keyframe_times", video.keyframe_times)
        for index, jpeg in enumerate(video.keyframe_thumbnails):
            ctx.derived_image(index, jpeg)
        ctx.report_issues(video.issues)

    @classmethod
    def examples(cls) -> list[Example]:
        def not_a_video(output: AnalyzerOutput) -> None:
            assert output.issues and output.issues[0].severity == "error"

        return [
            Example(
                "garbage named .mp4",
                b"\x00\x00\x00\x18ftypisom" + b"\x01" * 64,
                "video",
                "mp4",
                not_a_video,
            ),
        ]
