"""Sound, from an audio file or a video's sound track, as Whisper wants it: 16 kHz mono float32
samples, decoded and resampled by PyAV (FFmpeg's libraries inside the wheel; no ffmpeg binary).

A damaged stream keeps what decoded before the damage; a recording longer than the limit is
cut there. Both are said, never silent.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 16_000


class NoAudio(ValueError):
    """The file has no sound track, or none that can be decoded; the message says which."""


@dataclass(slots=True)
class DecodedAudio:
    samples: npt.NDArray[np.float32]
    truncated: bool = False
    damage: str = ""  # why decoding stopped early, "" when it reached the end

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def decode_audio(source: bytes | Path, max_seconds: float) -> DecodedAudio:
    """The first sound track, mixed to mono and resampled to 16 kHz, at most `max_seconds`."""
    limit = int(max_seconds * SAMPLE_RATE)
    opened = io.BytesIO(source) if isinstance(source, bytes) else str(source)
    try:
        container = av.open(opened, mode="r")
    except (av.error.FFmpegError, OSError, ValueError) as error:
        raise NoAudio(f"the file could not be opened as audio or video: {error}") from None
    with container:
        if not container.streams.audio:
            raise NoAudio("the file has no sound track")
        stream = container.streams.audio[0]
        stream.codec_context.thread_count = 1  # the worker pool already keeps every core busy
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        chunks: list[npt.NDArray[np.float32]] = []
        total, damage = 0, ""
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1).astype(np.float32, copy=False)
                    chunks.append(chunk)
                    total += len(chunk)
                if total >= limit:
                    break
            else:
                for out in resampler.resample(None):
                    chunks.append(out.to_ndarray().reshape(-1).astype(np.float32, copy=False))
        except (av.error.FFmpegError, ValueError) as error:
            damage = f"decoding stopped after {total / SAMPLE_RATE:.1f} s: {error}"
    if not chunks:
        raise NoAudio(damage or "the sound track holds no samples")
    samples = np.concatenate(chunks)
    return DecodedAudio(
        samples[:limit], truncated=len(samples) > limit or total >= limit, damage=damage
    )
