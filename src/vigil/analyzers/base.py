"""The Analyzer contract: a small declarative class with one entry point, `analyze(ctx)`.

What an analyzer accepts is said by capability mixins (ImageInput, VideoInput, ...), not by
flags; what it may touch is only its context (see context.py). Each analyzer lives in its own
package beside a MODEL_CARD.md and a default risk assessment (risk.yaml).
"""

from __future__ import annotations

import hashlib
import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:
    from vigil.analyzers.context import AnalyzerContext, AnalyzerOutput

RiskLevel = Literal["low", "medium", "high", "very high"]
RISK_LEVELS: tuple[RiskLevel, ...] = ("low", "medium", "high", "very high")


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """Where an analyzer's model comes from; `digest` is the SHA-256 of the weights file(s)."""

    name: str
    origin: str
    licence: str
    digest: str
    files: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Example:
    """An input the analyzer must handle, with a check of its output, for the contract test."""

    name: str
    content: bytes
    family: str
    type_label: str
    check: Callable[[AnalyzerOutput], None] = field(default=lambda output: None)


class Capability:
    """Base of the capability mixins: the content families an analyzer accepts."""

    accepts: ClassVar[frozenset[str]] = frozenset()


class ImageInput(Capability):
    accepts = Capability.accepts | {"image"}


class VideoInput(Capability):
    accepts = Capability.accepts | {"video"}


class AudioInput(Capability):
    accepts = Capability.accepts | {"audio"}


class TextInput(Capability):
    accepts = Capability.accepts | {"text", "document"}


class BytesInput(Capability):
    """Any content at all (hashing, typing)."""

    accepts = frozenset({"image", "video", "audio", "text", "document", "archive", "other"})


class Analyzer(Capability, ABC):
    name: ClassVar[str]
    version: ClassVar[str]
    title: ClassVar[str]
    summary: ClassVar[str]
    #: AI output is a suggestion until a person confirms it; deterministic output is a fact.
    uses_ai: ClassVar[bool] = False
    #: Runs in every triage (hashing, metadata), approved by default as a non-AI step.
    triage_step: ClassVar[bool] = False
    parameters: ClassVar[dict[str, Any]] = {}

    @abstractmethod
    def analyze(self, ctx: AnalyzerContext) -> None:
        """The one entry point: read through ctx, report through ctx."""

    @classmethod
    def accepted_families(cls) -> frozenset[str]:
        families: set[str] = set()
        for klass in cls.__mro__:
            if issubclass(klass, Capability) and "accepts" in klass.__dict__:
                families |= klass.__dict__["accepts"]
        return frozenset(families)

    @classmethod
    def model(cls) -> ModelInfo | None:
        """The model it runs, or None for a deterministic step."""
        return None

    @classmethod
    def missing_dependency(cls) -> str | None:
        """A plain sentence when an optional package or model is missing, else None."""
        return None

    @classmethod
    def examples(cls) -> list[Example]:
        return []

    @classmethod
    def package_dir(cls) -> Path:
        return Path(inspect.getfile(cls)).resolve().parent

    @classmethod
    def model_card(cls) -> str:
        return (cls.package_dir() / "MODEL_CARD.md").read_text(encoding="utf-8")

    @classmethod
    def risk_file(cls) -> Path:
        return cls.package_dir() / "risk.yaml"


def file_digest(*paths: Path) -> str:
    """SHA-256 over the model files in order: the model's identity in every provenance record."""
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()
