"""vPDQ, Meta's video hash: a PDQ hash of every n-th decoded frame, and the matcher that compares
two such lists (after facebook/ThreatExchange `vpdq`, whose PyPI build needs FFmpeg headers).

Hashing follows Meta's C++ hasher: frames are numbered in decoding order, frame `n` is hashed when
`n % int(seconds_per_hash * fps) == 0`, its timestamp is `n / fps` (not its PTS), and the frame is
converted to RGB24 by swscale with SWS_AREA (optionally resized to a square) before PDQ runs on
the full frame. Like Meta's, it hashes the pixels as stored: a display rotation or non-square
pixels are not applied. Decoding runs on one thread: the worker pool already keeps every core busy.

Never raises on a bad file: failures become `Issue`s (errors `video_corrupt`, `video_no_stream`,
`decompression_bomb`; warnings `video_damaged` when decoding stopped part-way and
`vpdq_truncated` when `max_frames` cut the list short).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pdqhash
from av.container import InputContainer
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from vigil.core.issues import Issue
from vigil.media.video import DEFAULT_MAX_PIXELS, OpenedVideo, open_video

# Meta's reference tests and matcher: frames closer than this (strictly) match, and frames of
# lower quality on either side are left out of the comparison.
DISTANCE_TOLERANCE = 31
QUALITY_TOLERANCE = 50
MIN_HASHABLE_SIDE = 5  # Meta's hasher refuses smaller frames
_BLOCK_BYTES = 8 << 20  # XOR working set per block of the matcher


@dataclass(frozen=True, slots=True)
class FrameHash:
    index: int  # frame number in decoding order
    quality: int  # 0..100
    pdq_hex: str  # 64 hex chars, Meta's bit order
    timestamp: float  # seconds, index / frame rate as Meta computes it


@dataclass
class VpdqResult:
    frames: list[FrameHash] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    def progress(self) -> str | None:
        """How far hashing got, for a failure part-way (None before the first hash)."""
        if not self.frames:
            return None
        return f"Frame hashing stopped after {len(self.frames)} hashed frames"


@dataclass(frozen=True, slots=True)
class VideoMatch:
    query_match_percent: float  # share of the query's usable frames found in the target
    target_match_percent: float  # share of the target's usable frames found in the query
    median_distance: int = 0  # over matched query frames, each to its nearest target frame


def video_frame_hashes(
    path: Path,
    *,
    seconds_per_hash: float = 1.0,
    max_frames: int = 3600,
    downsample: int | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> VpdqResult:
    """vPDQ of the first video stream of the file at `path` (read-only).

    `seconds_per_hash` = 0 hashes every frame (as Meta's reference files); `downsample` resizes
    each frame to downsample x downsample before hashing (Meta's `-128x128` files); at most
    `max_frames` frames are hashed. Invalid arguments (a caller's bug) raise ValueError.
    """
    result = VpdqResult()
    if seconds_per_hash < 0 or max_frames < 1 or (downsample is not None and downsample < 1):
        raise ValueError("seconds_per_hash must be >= 0, max_frames and downsample >= 1")
    with open_video(path, result.issues, max_pixels=max_pixels, progress=result.progress) as video:
        if video is not None:
            _hash_frames(video, result, seconds_per_hash, max_frames, downsample)
    return result


def _hash_frames(
    video: OpenedVideo,
    result: VpdqResult,
    seconds_per_hash: float,
    max_frames: int,
    downsample: int | None,
) -> None:
    stream = video.stream
    context = stream.codec_context
    width, height = context.width, context.height
    rate = stream.average_rate or stream.guessed_rate
    fps = float(rate) if rate else 0.0
    if fps <= 0:
        result.issues.append(
            Issue.error("video_corrupt", "The video declares no frame rate; frames not hashed.")
        )
        return
    if downsample is not None:
        width = height = downsample
    if min(width, height) < MIN_HASHABLE_SIDE:
        result.issues.append(
            Issue.error("video_corrupt", f"Frames of {width}x{height} pixels are too small.")
        )
        return
    # Meta truncates the product; at least 1 (every frame) for 0 or for very low frame rates.
    frame_mod = max(int(seconds_per_hash * fps), 1)
    for index, frame in enumerate(_decoded_frames(video.container, stream)):
        if index % frame_mod:
            continue
        if len(result.frames) >= max_frames:
            result.issues.append(
                Issue.warning(
                    "vpdq_truncated",
                    f"Only the first {max_frames} sampled frames were hashed "
                    f"(up to {result.frames[-1].timestamp:.1f} s).",
                )
            )
            return
        # swscale with SWS_AREA to RGB24 at the (possibly reduced) size, as Meta's hasher does.
        rgb = frame.to_ndarray(format="rgb24", width=width, height=height, interpolation="AREA")
        bits, quality = pdqhash.compute(np.ascontiguousarray(rgb))
        result.frames.append(
            FrameHash(
                index=index,
                quality=int(quality),
                pdq_hex=np.packbits(bits.astype(np.uint8)).tobytes().hex(),
                timestamp=round(index / fps, 3),
            )
        )


def _decoded_frames(container: InputContainer, stream: VideoStream) -> Iterator[VideoFrame]:
    for packet in container.demux(stream):
        for frame in packet.decode():  # the final empty packet drains delayed frames
            if isinstance(frame, VideoFrame):
                yield frame


# -- matching ---------------------------------------------------------------------------------


def match_videos(
    query: Sequence[FrameHash],
    target: Sequence[FrameHash],
    *,
    distance: int = DISTANCE_TOLERANCE,
    quality: int = QUALITY_TOLERANCE,
) -> VideoMatch:
    """Brute-force vPDQ match as Meta's `match_VPDQ_hash_brute`: identical hashes are kept once,
    frames below `quality` are dropped, and a frame matches when some frame of the other video is
    strictly closer than `distance` bits. 0 % both ways when either side has no usable frame."""
    query_hashes = _usable(query, quality)
    target_hashes = _usable(target, quality)
    if len(query_hashes) == 0 or len(target_hashes) == 0:
        return VideoMatch(0.0, 0.0)
    query_hit = np.zeros(len(query_hashes), dtype=bool)
    target_hit = np.zeros(len(target_hashes), dtype=bool)
    nearest = np.zeros(len(query_hashes), dtype=np.int32)
    # Pairwise Hamming distances (XOR, then count set bits), a block of query rows at a time so
    # that an hour of frames against an hour of frames stays within a few MB.
    rows = max(1, _BLOCK_BYTES // (32 * len(target_hashes)))
    for start in range(0, len(query_hashes), rows):
        block = query_hashes[start : start + rows]
        bits = np.bitwise_count(block[:, None, :] ^ target_hashes[None, :, :]).sum(
            axis=2, dtype=np.int32
        )
        close = bits < distance
        query_hit[start : start + rows] = close.any(axis=1)
        target_hit |= close.any(axis=0)
        nearest[start : start + rows] = bits.min(axis=1)
    matched = nearest[query_hit]
    return VideoMatch(
        query_match_percent=100.0 * float(query_hit.mean()),
        target_match_percent=100.0 * float(target_hit.mean()),
        median_distance=int(np.median(matched)) if len(matched) else 0,
    )


def _usable(frames: Sequence[FrameHash], quality: int) -> np.ndarray:
    """The distinct hashes (first occurrence kept, as Meta dedupes before filtering) of quality
    >= `quality`, as an (n, 32) uint8 array."""
    seen: set[str] = set()
    rows: list[bytes] = []
    for frame in frames:
        if frame.pdq_hex in seen:
            continue
        seen.add(frame.pdq_hex)
        if frame.quality >= quality:
            rows.append(bytes.fromhex(frame.pdq_hex))
    return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(len(rows), 32)
