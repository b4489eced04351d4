"""Image facts for triage: dimensions, EXIF, PDQ perceptual hash, an upright thumbnail."""

from __future__ import annotations

import io
from typing import Any, ClassVar

from PIL import Image

from vigil.analyzers.base import Analyzer, Example, ImageInput
from vigil.analyzers.context import AnalyzerContext, AnalyzerOutput
from vigil.media.image import DEFAULT_MAX_PIXELS, analyze_image


class ImageMetadataAnalyzer(ImageInput, Analyzer):
    name = "image_metadata"
    version = "1.0"
    title = "Image metadata, PDQ hash and thumbnail"
    summary = (
        "Dimensions, EXIF (time with offset, camera, serial, software, GPS), Meta's PDQ "
        "perceptual hash with its quality, and a 256 px thumbnail turned upright."
    )
    triage_step = True
    parameters: ClassVar[dict[str, Any]] = {
        "max_pixels": DEFAULT_MAX_PIXELS,
        "thumb_size": 256,
        "pdq_side": 512,
    }

    def analyze(self, ctx: AnalyzerContext) -> None:
        params = {**self.parameters, **ctx.parameters}
        image = analyze_image(
            ctx.content(),
            max_pixels=int(params["max_pixels"]),
            thumb_size=int(params["thumb_size"]),
            pdq_side=int(params["pdq_side"]),
        )
        ctx.fact("width", image.width)
        ctx.fact("height", image.height)
        ctx.fact("pdq", image.pdq)
        ctx.fact("pdq_quality", image.pdq_quality)
        if image.pdq_dihedral:
            ctx.fact("pdq_dihedral", image.pdq_dihedral)
        ctx.fact("format", image.format)
        ctx.fact("mode", image.mode)
        ctx.fact("frames", image.frames)
        if image.exif:
            ctx.fact("exif", image.exif)
        if image.thumbnail_jpeg:
            ctx.derived_image(0, image.thumbnail_jpeg)
        ctx.report_issues(image.issues)

    @classmethod
    def examples(cls) -> list[Example]:
        out = io.BytesIO()
        Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "PNG")
        png = out.getvalue()

        def red_png(output: AnalyzerOutput) -> None:
            assert (output.facts["width"], output.facts["height"]) == (64, 48)
            assert len(output.facts["pdq"]) == 64
            assert output.derived[0].startswith(b"\xff\xd8")

        def truncated(output: AnalyzerOutput) -> None:
            assert "image_corrupt" in {issue.code for issue in output.issues}

        return [
            Example("a red PNG", png, "image", "png", red_png),
            Example("half a PNG", png[: len(png) // 2], "image", "png", truncated),
        ]
