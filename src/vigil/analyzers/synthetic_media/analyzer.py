"""Indicators that a picture was generated or changed by AI, each with its evidence, from what
the file itself declares: C2PA Content Credentials, IPTC DigitalSourceType in XMP, generator
parameters in PNG text, generator names in EXIF, and Stable Diffusion's invisible watermark.

Every indicator is read, not guessed, so the output is facts and the step runs in triage like
EXIF reading; each fact says what was found and where. No learned detector runs here: a
classifier's score is a suggestion and needs the governance of an AI tool (see the model card).
"""

from __future__ import annotations

import io
from typing import Any, ClassVar

import numpy as np
from PIL import Image

from vigil.analyzers.base import Analyzer, Example, ImageInput
from vigil.analyzers.context import AnalyzerContext, AnalyzerOutput
from vigil.analyzers.synthetic_media import embedded_metadata as metadata
from vigil.analyzers.synthetic_media.c2pa_manifest import C2paUnavailable, read_c2pa
from vigil.analyzers.synthetic_media.indicators import ABSENCE_PROVES_NOTHING, Indicator
from vigil.analyzers.synthetic_media.watermark import MarkMatch, match_known_marks
from vigil.media.decode import DECODE_ERRORS
from vigil.media.image import flatten_to_rgb

#: Lossless formats only: the watermark does not survive JPEG re-compression.
WATERMARK_TYPES = frozenset({"png", "webp", "tiff", "bmp"})
_SOFTWARE, _EXIF_IFD, _USER_COMMENT = 0x0131, 0x8769, 0x9286
LEARNED_DETECTOR = (
    "none run: a learned AI-image classifier gives scores, not evidence, and would run as a "
    "separate governed AI tool with a model imported into the model store"
)


class SyntheticMediaAnalyzer(ImageInput, Analyzer):
    name = "synthetic_media"
    version = "1.0"
    title = "Synthetic media indicators (C2PA, XMP, generator metadata, SD watermark)"
    summary = (
        "AI-generation and manipulation indicators a court can check: C2PA manifests and their "
        "validation, IPTC DigitalSourceType, generator parameters in PNG text and EXIF, the "
        "Stable Diffusion invisible watermark. Absence of indicators proves nothing."
    )
    triage_step = True
    parameters: ClassVar[dict[str, Any]] = {"watermark_max_pixels": 16_000_000}

    @classmethod
    def missing_dependency(cls) -> str | None:
        import importlib.util

        if importlib.util.find_spec("c2pa") is None:
            return "the c2pa-python package is not installed (C2PA manifests are not read)"
        return None

    def analyze(self, ctx: AnalyzerContext) -> None:
        params = {**self.parameters, **ctx.parameters}
        data = ctx.read_bytes()
        indicators: list[Indicator] = []
        try:
            found = read_c2pa(data, ctx.type_label)
        except C2paUnavailable as error:
            ctx.warn("c2pa_unavailable", f"C2PA manifests were not read: {error}.")
            found = None
        indicators += [found] if found else []
        if b"DigitalSourceType" in data:
            indicators += _present(metadata.digital_source_types(data))
        texts = metadata.png_text_chunks(data)
        indicators += _present(metadata.generator_parameters(texts))
        indicators += _present(metadata.software_in_text(texts))
        indicators += self._exif_and_pixels(ctx, int(params["watermark_max_pixels"]))
        ctx.fact(
            "synthetic_media",
            {
                "indicators": [indicator.as_fact() for indicator in indicators],
                "ai_indicated": any(indicator.indicates_ai for indicator in indicators),
                "learned_detector": LEARNED_DETECTOR,
                "statement": ABSENCE_PROVES_NOTHING,
            },
        )

    def _exif_and_pixels(self, ctx: AnalyzerContext, max_pixels: int) -> list[Indicator]:
        try:
            with self.open_image(ctx) as img:
                exif = img.getexif()
                software = exif.get(_SOFTWARE)
                comment = exif.get_ifd(_EXIF_IFD).get(_USER_COMMENT)
                found = _present(
                    metadata.exif_generator(
                        software if isinstance(software, str) else None, _user_comment(comment)
                    )
                )
                check_mark = (
                    ctx.type_label in WATERMARK_TYPES and img.width * img.height <= max_pixels
                )
                if check_mark:
                    img.load()
                    rgb = np.asarray(flatten_to_rgb(img))
        except DECODE_ERRORS:
            return []  # an undecodable image is image_metadata's to report
        if check_mark:
            for match in match_known_marks(rgb)[:1]:  # the likeliest mark only
                found += _present(_watermark_indicator(match))
        return found

    @classmethod
    def examples(cls) -> list[Example]:
        plain = io.BytesIO()
        Image.new("RGB", (16, 16), (90, 90, 90)).save(plain, "PNG")
        generated = io.BytesIO()
        info = _png_info({"parameters": "a lighthouse\nSteps: 20, Sampler: Euler a, CFG scale: 7"})
        Image.new("RGB", (16, 16), (90, 90, 90)).save(generated, "PNG", pnginfo=info)

        def nothing_indicated(output: AnalyzerOutput) -> None:
            fact = output.facts["synthetic_media"]
            assert fact["indicators"] == [] and fact["ai_indicated"] is False
            assert fact["statement"] == ABSENCE_PROVES_NOTHING

        def parameters_found(output: AnalyzerOutput) -> None:
            fact = output.facts["synthetic_media"]
            assert fact["ai_indicated"] is True
            assert fact["indicators"][0]["kind"] == "generator_parameters"

        return [
            Example("a plain PNG", plain.getvalue(), "image", "png", nothing_indicated),
            Example(
                "a PNG with A1111 parameters",
                generated.getvalue(),
                "image",
                "png",
                parameters_found,
            ),
        ]


def _present(indicator: Indicator | None) -> list[Indicator]:
    return [indicator] if indicator is not None else []


def _watermark_indicator(match: MarkMatch) -> Indicator | None:
    if not match.present:
        return None
    return Indicator(
        "watermark",
        f"The pixels carry the {match.mark} invisible watermark (dwtDct): {match.matched_bits} "
        f"of {match.total_bits} bits agree.",
        True,
        {
            "mark": match.mark,
            "method": "dwtDct (invisible-watermark)",
            "matched_bits": match.matched_bits,
            "total_bits": match.total_bits,
            "chance_probability": match.chance_probability,
        },
    )


def _user_comment(raw: object) -> str | None:
    """EXIF UserComment: an 8-byte character-code header, then the text."""
    if isinstance(raw, str):
        return raw
    if not isinstance(raw, bytes) or len(raw) < 8:
        return None
    header, body = raw[:8], raw[8 : 8 + 65536]
    if header.startswith(b"UNICODE"):
        # The byte order is the file's; A1111 writes UTF-16BE. Try both, keep the legible one.
        candidates = [body.decode(codec, errors="replace") for codec in ("utf-16-be", "utf-16-le")]
        return max(candidates, key=lambda text: sum(ch.isascii() for ch in text))
    return body.decode("utf-8", errors="replace")


def _png_info(texts: dict[str, str]) -> Any:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    for key, value in texts.items():
        info.add_text(key, value)
    return info
