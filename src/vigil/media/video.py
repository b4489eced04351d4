"""Per-video triage facts: container, codec, size, duration, frame rate, and a few keyframe
thumbnails spread over the duration.

Only keyframes are decoded (the decoder skips every other frame), each after a seek, so the cost
is a handful of intra-frame decodes whatever the length of the video. Decoding runs on one thread:
the worker pool already keeps every core busy.

Never raises: failures become `Issue`s (errors `video_corrupt`, `video_no_stream`,
`decompression_bomb`; warning `video_damaged` when only some keyframes could be decoded).

`open_video` is the one guarded way Vigil opens a video for its pictures (here, in vpdq.py and
scenes.py, and in the analyzers' VideoInput capability): main stream, pixel limit, error mapping.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
from av.container import InputContainer
from av.video.frame import VideoFrame
from av.video.stream import VideoStream
from PIL import Image

from vigil.core.issues import Issue, describe_error
from vigil.media.thumbnail import fit_within, jpeg_thumbnail

DECODE_THREADS = 1
DEFAULT_MAX_PIXELS = 178_956_970  # per frame, as for images
# A seek lands on a keyframe, so the first decodable frame is near; a damaged file could make
# the decoder read on without ever producing one, so the walk is bounded.
MAX_PACKETS_PER_SEEK = 1_000


@dataclass
class VideoAnalysis:
    duration_s: float | None = None
    codec: str | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    container: str | None = None
    has_audio: bool = False
    keyframe_thumbnails: list[bytes] = field(default_factory=list)  # JPEG, shown upright
    keyframe_times: list[float] = field(default_factory=list)  # seconds, same order
    issues: list[Issue] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class OpenedVideo:
    """A video open for reading: its main stream is within the pixel limit and decodes on
    DECODE_THREADS threads."""

    container: InputContainer
    stream: VideoStream


@contextmanager
def open_video(
    path: Path,
    issues: list[Issue],
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    progress: Callable[[], str | None] | None = None,
    on_open: Callable[[InputContainer, VideoStream | None], None] | None = None,
) -> Iterator[OpenedVideo | None]:
    """The video at `path` (read-only), or None when it cannot be decoded: unreadable, no video
    stream, or frames beyond `max_pixels`; the reason is appended to `issues`.

    Whatever the file provokes while open, here or in the caller's block, is appended too and
    never raised: `video_damaged` when `progress()` says how far the caller got ("Frame hashing
    stopped after 12 hashed frames"), else `video_corrupt`. `on_open` sees the container and its
    main stream before they are checked, to describe even a video that will not be decoded.
    """
    entered = False
    try:
        with av.open(str(path), mode="r", metadata_errors="replace") as container:
            video = _decodable(container, issues, max_pixels, on_open)
            entered = True
            yield video
    except Exception as error:  # FFmpeg errors, OSError, and whatever a hostile file provokes
        issues.append(_read_failure(error, progress() if progress is not None else None))
    if not entered:
        yield None  # the caller's block still runs once, with nothing to read


def _decodable(
    container: InputContainer,
    issues: list[Issue],
    max_pixels: int,
    on_open: Callable[[InputContainer, VideoStream | None], None] | None,
) -> OpenedVideo | None:
    stream = main_video_stream(container)
    if on_open is not None:
        on_open(container, stream)
    if stream is None:
        issues.append(Issue.error("video_no_stream", "The file holds no video stream."))
        return None
    context = stream.codec_context
    if context.width * context.height > max_pixels:
        issues.append(
            Issue.error(
                "decompression_bomb",
                f"Frames of {context.width}x{context.height} pixels exceed the limit of "
                f"{max_pixels}; not decoded.",
            )
        )
        return None
    context.thread_count = DECODE_THREADS
    return OpenedVideo(container, stream)


def _read_failure(error: Exception, progress: str | None) -> Issue:
    if progress:
        return Issue.warning("video_damaged", f"{progress}: {describe_error(error)}.")
    return Issue.error("video_corrupt", f"The video could not be read: {describe_error(error)}.")


def analyze_video(
    path: Path,
    *,
    keyframes: int = 3,
    thumb_size: int = 256,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> VideoAnalysis:
    """Reads the first video stream of the file at `path` (read-only) and thumbnails up to
    `keyframes` keyframes spread over its duration."""
    result = VideoAnalysis()
    describe = functools.partial(_describe, result)
    with open_video(path, result.issues, max_pixels=max_pixels, on_open=describe) as video:
        if video is not None:
            video.stream.codec_context.skip_frame = "NONKEY"
            if keyframes > 0:
                _sample_keyframes(video.container, video.stream, result, keyframes, thumb_size)
    return result


def _describe(result: VideoAnalysis, container: InputContainer, stream: VideoStream | None) -> None:
    # Read before the checks: a video too large to decode still has a codec and a size.
    result.container = container.format.name
    result.has_audio = bool(container.streams.audio)
    if stream is None:
        return
    context = stream.codec_context
    result.codec = context.name
    result.width, result.height = (context.width or None), (context.height or None)
    result.fps = _positive(stream.average_rate or stream.guessed_rate)
    result.duration_s = _duration(container, stream)


def main_video_stream(container: InputContainer) -> VideoStream | None:
    # Cover art in MP4/MKV is a one-picture "video" stream flagged attached_pic: not the video.
    streams = list(container.streams.video)
    moving = [s for s in streams if not s.disposition & av.stream.Disposition.attached_pic]
    candidates = moving or streams
    return candidates[0] if candidates else None


def _duration(container: InputContainer, stream: VideoStream) -> float | None:
    if stream.duration and stream.time_base:
        return _positive(stream.duration * stream.time_base)
    if container.duration:
        return _positive(Fraction(container.duration, av.time_base))
    return None


def _sample_keyframes(
    container: InputContainer,
    stream: VideoStream,
    result: VideoAnalysis,
    keyframes: int,
    thumb_size: int,
) -> None:
    seen: set[int | None] = set()
    failures: list[str] = []
    for target in _seek_targets(stream, result.duration_s, keyframes):
        try:
            frame = _keyframe_at(container, stream, target)
            if frame is None or frame.pts in seen:
                continue  # short GOP-less videos land on the same keyframe: keep one
            seen.add(frame.pts)
            result.keyframe_thumbnails.append(_thumbnail(frame, stream, thumb_size))
            result.keyframe_times.append(round(float(frame.time or 0.0), 3))
        except Exception as error:
            failures.append(describe_error(error))
    if not result.keyframe_thumbnails:
        why = f": {failures[0]}" if failures else ""
        result.issues.append(
            Issue.error("video_corrupt", f"No keyframe of the video could be decoded{why}.")
        )
    elif failures:
        result.issues.append(
            Issue.warning(
                "video_damaged",
                f"{len(failures)} of the sampled keyframes could not be decoded: {failures[0]}.",
            )
        )


def _seek_targets(stream: VideoStream, duration: float | None, count: int) -> list[int | None]:
    """Timestamps (in the stream's time base) at the middles of `count` equal slices of the
    duration, avoiding intro and outro frames; [None] (no seek) when the duration is unknown."""
    if duration is None or not stream.time_base:
        return [None]
    start = stream.start_time or 0
    return [
        start + int((duration * (index + 0.5) / count) / stream.time_base) for index in range(count)
    ]


def _keyframe_at(
    container: InputContainer, stream: VideoStream, target: int | None
) -> VideoFrame | None:
    """The first keyframe decoded after seeking back from `target` (the one at or before it)."""
    if target is not None:
        container.seek(target, stream=stream, backward=True)  # also flushes the decoder
    for count, packet in enumerate(container.demux(stream)):
        if count >= MAX_PACKETS_PER_SEEK:
            return None
        for frame in packet.decode():  # the final empty packet drains delayed frames
            if isinstance(frame, VideoFrame):
                return frame
    return None


def _thumbnail(frame: VideoFrame, stream: VideoStream, side: int) -> bytes:
    # Scale in swscale straight from YUV (cheaper than converting the full frame to RGB),
    # honouring non-square pixels, then turn upright by the display matrix (phone videos).
    aspect = stream.sample_aspect_ratio or 1
    width, height = fit_within(round(frame.width * aspect), frame.height, side)
    image = frame.to_image(width=width, height=height, interpolation="AREA")
    rotation = frame.rotation  # degrees counter-clockwise, as FFmpeg's display matrix
    if rotation % 360:
        image = image.rotate(rotation, expand=True, resample=Image.Resampling.NEAREST)
    return jpeg_thumbnail(image, side)


def _positive(value: Fraction | float | int | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return round(number, 6) if math.isfinite(number) and number > 0 else None
