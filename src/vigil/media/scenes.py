"""Keyframes by scene change: the first frame of every shot of a video, with its timestamp and
a JPEG of it (PyAV).

Every frame is decoded (a cut can fall on any frame) and shrunk by swscale, straight from YUV,
to a 64x36 grey image; the score of a frame is the mean absolute difference of its grey pixels
to the previous frame's, from 0 (identical) to 255. A frame scoring at least `threshold` starts
a new scene, unless the current scene is younger than `min_scene_s` (flashes, strobes). The
first frame always starts scene 0.

What this finds: hard cuts. What it misses: slow dissolves and fades (each step is small);
what it may add: a hand over the lens or a flash, which changes most pixels at once. A
continuous hand-held shot does not trigger it: motion moves pixels, it seldom changes most of
them at once. Decoding runs on one thread: the worker pool already keeps every core busy.

Never raises on a bad file: failures become `Issue`s (errors `video_corrupt`,
`video_no_stream`, `decompression_bomb`; warnings `video_damaged` when decoding stopped
part-way and `scenes_truncated` when `max_scenes` cut the list short).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
from av.video.frame import VideoFrame
from av.video.stream import VideoStream
from PIL import Image

from vigil.core.issues import Issue
from vigil.media.thumbnail import fit_within, jpeg_thumbnail
from vigil.media.video import DEFAULT_MAX_PIXELS, OpenedVideo, open_video

DEFAULT_THRESHOLD = 30.0
DEFAULT_MIN_SCENE_S = 1.0
DEFAULT_MAX_SCENES = 100
PROBE_SIZE = (64, 36)
KEYFRAME_QUALITY = 90


@dataclass(frozen=True, slots=True)
class Keyframe:
    index: int  # frame number in decoding order
    timestamp: float  # seconds from the start of the stream
    score: float  # grey difference to the frame before, 0..255 (0.0 for the first frame)
    jpeg: bytes  # the frame, upright, at most `image_side` px long, no metadata


@dataclass
class Scenes:
    keyframes: list[Keyframe] = field(default_factory=list)
    frames_decoded: int = 0
    issues: list[Issue] = field(default_factory=list)

    def progress(self) -> str | None:
        """How far detection got, for a failure part-way (None before the first keyframe)."""
        if not self.keyframes:
            return None
        return f"Scene detection stopped after {self.frames_decoded} frames"


def detect_scenes(
    path: Path,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_scene_s: float = DEFAULT_MIN_SCENE_S,
    max_scenes: int = DEFAULT_MAX_SCENES,
    image_side: int = 256,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> Scenes:
    """The keyframe of each scene of the first video stream of the file at `path` (read-only).
    Invalid arguments (a caller's bug) raise ValueError."""
    if not 0 < threshold <= 255 or min_scene_s < 0 or max_scenes < 1 or image_side < 16:
        raise ValueError(
            "threshold must be within (0, 255], min_scene_s >= 0, max_scenes >= 1, image_side >= 16"
        )
    result = Scenes()
    with open_video(path, result.issues, max_pixels=max_pixels, progress=result.progress) as video:
        if video is not None:
            _detect(video, result, threshold, min_scene_s, max_scenes, image_side)
    return result


def _detect(
    video: OpenedVideo,
    result: Scenes,
    threshold: float,
    min_scene_s: float,
    max_scenes: int,
    image_side: int,
) -> None:
    container, stream = video.container, video.stream
    rate = stream.average_rate or stream.guessed_rate
    fps = float(rate) if rate else 0.0
    previous: npt.NDArray[np.int16] | None = None
    scene_start = (0.0, 0)  # timestamp and frame number of the current scene's first frame
    for number, frame in enumerate(container.decode(stream)):
        timestamp = float(frame.time) if frame.time is not None else number / (fps or 1.0)
        grey = frame.reformat(
            width=PROBE_SIZE[0], height=PROBE_SIZE[1], format="gray8", interpolation="AREA"
        ).to_ndarray()
        probe = grey.astype(np.int16)
        score = 0.0 if previous is None else float(np.abs(probe - previous).mean())
        previous = probe
        result.frames_decoded += 1
        # Frame counts stand in for timestamps that a damaged or odd file leaves unchanging.
        elapsed = max(timestamp - scene_start[0], (number - scene_start[1]) / (fps or 1e9))
        if not result.keyframes or (score >= threshold and elapsed >= min_scene_s):
            if len(result.keyframes) >= max_scenes:
                result.issues.append(
                    Issue.warning(
                        "scenes_truncated",
                        f"More than {max_scenes} scenes: only the first {max_scenes} keyframes "
                        f"are kept (raise max_scenes to keep more).",
                    )
                )
                return
            jpeg = _frame_jpeg(frame, stream, image_side)
            result.keyframes.append(Keyframe(number, round(timestamp, 3), round(score, 2), jpeg))
            scene_start = (timestamp, number)
    if not result.keyframes:
        result.issues.append(
            Issue.error("video_corrupt", "No frame of the video could be decoded.")
        )


def _frame_jpeg(frame: VideoFrame, stream: VideoStream, side: int) -> bytes:
    # Scale in swscale from YUV, honouring non-square pixels, then turn upright by the display
    # matrix (phone videos), as the triage thumbnails do.
    aspect = stream.sample_aspect_ratio or 1
    width, height = fit_within(round(frame.width * aspect), frame.height, side)
    image = frame.to_image(width=width, height=height, interpolation="AREA")
    rotation = frame.rotation  # degrees counter-clockwise, as FFmpeg's display matrix
    if rotation % 360:
        image = image.rotate(rotation, expand=True, resample=Image.Resampling.NEAREST)
    return jpeg_thumbnail(image, side, quality=KEYFRAME_QUALITY)
