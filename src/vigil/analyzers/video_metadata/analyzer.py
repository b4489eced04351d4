"""Video facts for triage: duration, codec, resolution, keyframe thumbnails and vPDQ (PyAV)."""

from __future__ import annotations

from typing import Any, ClassVar

from vigil.analyzers.base import Analyzer, Example, VideoInput
from vigil.analyzers.context import AnalyzerContext, AnalyzerOutput
from vigil.core.issues import has_error
from vigil.media.video import analyze_video
from vigil.media.vpdq import video_frame_hashes


class VideoMetadataAnalyzer(VideoInput, Analyzer):
    name = "video_metadata"
    version = "1.1"
    title = "Video metadata and keyframes"
    summary = (
        "Duration, codec, resolution, frame rate, audio, up to three keyframe thumbnails, and "
        "a vPDQ hash (one PDQ hash per second of video)."
    )
    triage_step = True
    parameters: ClassVar[dict[str, Any]] = {
        "keyframes": 3,
        "thumb_size": 256,
        "vpdq_seconds_per_hash": 1.0,
        "vpdq_max_frames": 3600,  # an hour at one hash per second
    }

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
        if has_error(video.issues):
            return  # unreadable, no video stream or a bomb: decoding every frame would not help
        vpdq = video_frame_hashes(
            ctx.file_path(),
            seconds_per_hash=float(params["vpdq_seconds_per_hash"]),
            max_frames=int(params["vpdq_max_frames"]),
        )
        # [timestamp s, quality, PDQ hex] per hashed frame: compact in Blob.media, and what
        # Meta's matcher needs (it keys frames by quality and hash only).
        ctx.fact("vpdq", [[f.timestamp, f.quality, f.pdq_hex] for f in vpdq.frames])
        # A damaged file is already reported by the keyframe pass; say it once.
        reported = {issue.code for issue in video.issues}
        ctx.report_issues([issue for issue in vpdq.issues if issue.code not in reported])

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
