"""The Analyzer contract: a small declarative class with one entry point, `analyze(ctx)`.

What an analyzer accepts is said by capability mixins (ImageInput, VideoInput, ...), not by
flags; what it may touch is only its context (see context.py). Each analyzer lives in its own
package beside a MODEL_CARD.md and a default risk assessment (risk.yaml).

A capability also carries the guarded reading of what it accepts (as python-threatexchange's
BytesHasher derives `hash_from_file` from `hash_from_bytes`): `ImageInput.load_image` and
`VideoInput.open_video` turn a damaged or hostile file into an issue on the context, once for
every analyzer.
"""

from __future__ import annotations

import hashlib
import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:
    from PIL import Image

    from vigil.analyzers.context import AnalyzerContext, AnalyzerOutput
    from vigil.media.decode import DecodedImage
    from vigil.media.video import OpenedVideo

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
    """Base of the capability mixins: the content families an analyzer accepts, and how its
    content is read."""

    accepts: ClassVar[frozenset[str]] = frozenset()
    parameters: ClassVar[dict[str, Any]]  # given by Analyzer

    def _pixel_limit(self, ctx: AnalyzerContext, default: int) -> int:
        """The most pixels a picture or a frame may have: the `max_pixels` parameter where the
        analyzer or its run sets one, else `default`."""
        return int({**self.parameters, **ctx.parameters}.get("max_pixels", default))


# The media modules are imported where a capability reads content, not at the top: governance
# and the web import this module for the contract alone.


class ImageInput(Capability):
    accepts = Capability.accepts | {"image"}

    @contextmanager
    def open_image(
        self, ctx: AnalyzerContext, *, formats: tuple[str, ...] | None = None
    ) -> Iterator[Image.Image]:
        """The image in `ctx`, its header read, under the pixel limit, for an analyzer that
        reads no pixels (EXIF); raises one of vigil.media.decode.DECODE_ERRORS."""
        from vigil.media.decode import open_limited
        from vigil.media.image import DEFAULT_MAX_PIXELS

        limit = self._pixel_limit(ctx, DEFAULT_MAX_PIXELS)
        with ctx.open() as stream, open_limited(stream, max_pixels=limit, formats=formats) as img:
            yield img

    def load_image(
        self,
        ctx: AnalyzerContext,
        max_side: int | None = None,
        *,
        purpose: str,
        upright: bool = True,
        formats: tuple[str, ...] | None = None,
    ) -> DecodedImage | None:
        """The first frame of the image in `ctx` as RGB (see vigil.media.decode.decode_rgb), or
        None after an `image_corrupt` error that names the `purpose` ("face detection").
        `formats` limits the Pillow formats tried (None: any Pillow opens)."""
        from vigil.media.decode import DECODE_ERRORS, decode_rgb

        try:
            with self.open_image(ctx, formats=formats) as img:
                return decode_rgb(img, max_side=max_side, upright=upright)
        except DECODE_ERRORS as error:
            ctx.error("image_corrupt", f"The image could not be decoded for {purpose}: {error}")
            return None


class VideoInput(Capability):
    accepts = Capability.accepts | {"video"}

    def open_video(
        self, ctx: AnalyzerContext, *, progress: Callable[[], str | None] | None = None
    ) -> AbstractContextManager[OpenedVideo | None]:
        """The stored copy of the video in `ctx`, open, or None; its problems, and whatever it
        provokes in the caller's block, become issues on `ctx` (see vigil.media.video)."""
        from vigil.media.video import DEFAULT_MAX_PIXELS, open_video

        return open_video(
            ctx.file_path(),
            ctx.output.issues,
            max_pixels=self._pixel_limit(ctx, DEFAULT_MAX_PIXELS),
            progress=progress,
        )


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
