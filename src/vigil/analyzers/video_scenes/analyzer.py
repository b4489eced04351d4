"""Keyframes by scene change: the first frame of each shot, its timestamp and a thumbnail.

Deterministic (no model): what it reports are facts. It is also what per-keyframe analysis
runs on (see keyframes.py): an image analyzer that inherits KeyframeInput analyses these same
keyframes of every video, with the same parameters.
"""

from __future__ import annotations

from typing import Any, ClassVar

from vigil.analyzers.base import Analyzer, Example, VideoInput
from vigil.analyzers.context import AnalyzerContext, AnalyzerOutput
from vigil.media.scenes import (
    DEFAULT_MAX_SCENES,
    DEFAULT_MIN_SCENE_S,
    DEFAULT_THRESHOLD,
    detect_scenes,
)


class VideoScenesAnalyzer(VideoInput, Analyzer):
    name = "video_scenes"
    version = "1.0"
    title = "Video keyframes by scene change"
    summary = (
        "The first frame of every scene (hard cuts) with its timestamp, how sharp the cut was, "
        "and a thumbnail of it; image tools run on the same keyframes."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "scene_threshold": DEFAULT_THRESHOLD,  # mean grey difference 0..255 that makes a cut
        "min_scene_s": DEFAULT_MIN_SCENE_S,
        "max_keyframes": DEFAULT_MAX_SCENES,
        "thumb_size": 256,
    }

    def analyze(self, ctx: AnalyzerContext) -> None:
        params = {**self.parameters, **ctx.parameters}
        scenes = detect_scenes(
            ctx.file_path(),
            threshold=float(params["scene_threshold"]),
            min_scene_s=float(params["min_scene_s"]),
            max_scenes=int(params["max_keyframes"]),
            image_side=int(params["thumb_size"]),
        )
        ctx.report_issues(scenes.issues)
        if not scenes.keyframes:
            return
        ctx.fact(
            "scenes",
            [
                {
                    "number": number,
                    "frame": keyframe.index,
                    "timestamp_s": keyframe.timestamp,
                    "score": keyframe.score,
                }
                for number, keyframe in enumerate(scenes.keyframes)
            ],
        )
        ctx.fact("frames_decoded", scenes.frames_decoded)
        for number, keyframe in enumerate(scenes.keyframes):
            ctx.derived_image(number, keyframe.jpeg)

    @classmethod
    def examples(cls) -> list[Example]:
        def not_a_video(output: AnalyzerOutput) -> None:
            assert [issue.code for issue in output.issues] == ["video_corrupt"]
            assert output.facts == {} and output.derived == {}

        return [
            Example(
                "garbage named .mp4",
                b"\x00\x00\x00\x18ftypisom" + b"\x01" * 64,
                "video",
                "mp4",
                not_a_video,
            )
        ]
