"""Per-keyframe analysis: lets an image analyzer run on videos, one scene at a time.

An image analyzer that also inherits `KeyframeInput` accepts videos; when its context holds a
video it hands its image step to `analyze_keyframes`, which finds the first frame of every
scene (vigil.media.scenes), runs the image step on each keyframe as a JPEG in a context of its
own, and reports the outputs on the video, each suggestion carrying where it was seen::

    class FaceRecognitionAnalyzer(ImageInput, KeyframeInput, Analyzer):
        parameters = {..., **KEYFRAME_PARAMETERS}

        def analyze(self, ctx):
            if ctx.family == "video":
                analyze_keyframes(ctx, self.analyze_image)
            else:
                self.analyze_image(ctx)

Nothing else changes: the governed runner sends the case's videos to such an analyzer like any
other content, the worker decodes the keyframes from the stored copy, and every suggestion on a
video has `keyframe = {"number", "frame", "timestamp_s"}` in its data (boxes are in the
keyframe's pixels, at most `keyframe_side` long). Keyframes are decoded again in each run: they
are cheap next to the image analysis and nothing derived needs storing or trusting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vigil.analyzers.base import Capability
from vigil.analyzers.context import AnalyzerContext
from vigil.core.issues import Issue
from vigil.media.scenes import DEFAULT_MIN_SCENE_S, DEFAULT_THRESHOLD, detect_scenes

#: The parameters an analyzer with KeyframeInput declares (recorded with every run).
KEYFRAME_PARAMETERS: dict[str, Any] = {
    "scene_threshold": DEFAULT_THRESHOLD,
    "min_scene_s": DEFAULT_MIN_SCENE_S,
    "max_keyframes": 50,
    "keyframe_side": 1280,
}


class KeyframeInput(Capability):
    """Videos, analysed as the first frame of each scene (see analyze_keyframes)."""

    accepts = Capability.accepts | {"video"}


def analyze_keyframes(
    ctx: AnalyzerContext, analyze_image: Callable[[AnalyzerContext], None]
) -> None:
    """Runs `analyze_image` on each scene's keyframe of the video in `ctx`; reports on `ctx`."""
    params = {**KEYFRAME_PARAMETERS, **ctx.parameters}
    scenes = detect_scenes(
        ctx.file_path(),
        threshold=float(params["scene_threshold"]),
        min_scene_s=float(params["min_scene_s"]),
        max_scenes=int(params["max_keyframes"]),
        image_side=int(params["keyframe_side"]),
    )
    ctx.report_issues(scenes.issues)
    for number, keyframe in enumerate(scenes.keyframes):
        frame_ctx = AnalyzerContext(
            sha256=ctx.sha256,
            family="image",
            type_label="jpeg",
            name=f"{ctx.name}@{keyframe.timestamp:.3f}s",
            data=keyframe.jpeg,
            parameters=ctx.parameters,
        )
        analyze_image(frame_ctx)
        origin = {"number": number, "frame": keyframe.index, "timestamp_s": keyframe.timestamp}
        for suggestion in frame_ctx.output.suggestions:
            ctx.suggest(suggestion.label, suggestion.confidence, **suggestion.data, keyframe=origin)
        for key, value in frame_ctx.output.facts.items():
            ctx.output.facts.setdefault("keyframes", {}).setdefault(str(number), {})[key] = value
        ctx.report_issues(
            [
                Issue(
                    issue.code,
                    f"Keyframe at {keyframe.timestamp:.2f} s: {issue.message}",
                    issue.severity,
                )
                for issue in frame_ctx.output.issues
            ]
        )
        ctx.progress((number + 1) / len(scenes.keyframes))
