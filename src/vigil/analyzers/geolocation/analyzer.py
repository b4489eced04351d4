"""Where an item points to, offline: the place nearest to a photo's EXIF GPS position, and the
place clues in text (countries of phone numbers, language).

Deterministic lookups in shipped tables, so the output is facts and the step runs in triage,
approved by default like the EXIF reading it builds on. A missing table is a warning, not an
error: the position itself is kept by image_metadata, and the item is not failed for it.
"""

from __future__ import annotations

import codecs
import io
from typing import Any, ClassVar

from PIL import Image

from vigil.analyzers.base import Analyzer, Example, ImageInput, TextInput
from vigil.analyzers.context import AnalyzerContext, AnalyzerOutput
from vigil.analyzers.geolocation import gazetteer
from vigil.media.decode import DECODE_ERRORS
from vigil.media.exif import read_exif


class GeolocationAnalyzer(ImageInput, TextInput, Analyzer):
    name = "geolocation"
    version = "1.0"
    title = "Geolocation (EXIF GPS to place, place clues in text)"
    summary = (
        "The nearest populated place (city, region, country, distance in km) to a photo's "
        "GPS position from the GeoNames table, offline; in text, the countries of "
        "international phone numbers and the language."
    )
    triage_step = True
    parameters: ClassVar[dict[str, Any]] = {"max_text_bytes": 256 * 1024}

    @classmethod
    def missing_dependency(cls) -> str | None:
        if gazetteer.available():
            return None
        return f"the {gazetteer.PACKAGE} package (GeoNames place table) is not installed"

    def analyze(self, ctx: AnalyzerContext) -> None:
        if ctx.family == "image":
            self._locate_image(ctx)
        elif ctx.family == "text":
            limit = int({**self.parameters, **ctx.parameters}["max_text_bytes"])
            self._read_text_clues(ctx, limit)

    def _locate_image(self, ctx: AnalyzerContext) -> None:
        try:
            with self.open_image(ctx) as img:  # the EXIF alone: no pixels are decoded
                exif, _ = read_exif(img)  # damage is reported once, by image_metadata
        except DECODE_ERRORS:
            return  # an undecodable image is image_metadata's to report, not a place problem
        gps = exif.get("gps")
        if not isinstance(gps, dict):
            return  # no position: no place, and nothing to say
        lat, lon = float(gps["lat"]), float(gps["lon"])
        if lat == 0.0 and lon == 0.0:
            ctx.warn(
                "gps_null_island",
                "The GPS position is exactly 0, 0: usually a receiver without a fix, "
                "not a place; no place was looked up.",
            )
            return
        try:
            place = gazetteer.default_gazetteer().nearest(lat, lon)
        except gazetteer.GazetteerUnavailable as error:
            ctx.warn("geolocation_unavailable", f"No place looked up: {error}.")
            return
        ctx.fact("place", {**place.as_fact(), "from": "exif_gps"})

    def _read_text_clues(self, ctx: AnalyzerContext, limit: int) -> None:
        from vigil.analyzers.geolocation.clues import text_clues

        with ctx.open() as stream:
            head = stream.read(limit)
        clues = text_clues(_decode(head))
        if clues:
            ctx.fact("location_clues", clues)

    @classmethod
    def examples(cls) -> list[Example]:
        plain = io.BytesIO()
        Image.new("RGB", (32, 32), (40, 90, 160)).save(plain, "JPEG")

        def nothing_located(output: AnalyzerOutput) -> None:
            assert "place" not in output.facts
            assert output.issues == []

        def clues_found(output: AnalyzerOutput) -> None:
            clues = output.facts["location_clues"]
            assert clues[0] == {
                "kind": "phone_country",
                "country_code": "FR",
                "count": 1,
                "evidence": ["+33142685300"],
            }

        note = "Rendez-vous demain matin devant la gare, appelle-moi au +33 1 42 68 53 00."
        return [
            Example("a photo without GPS", plain.getvalue(), "image", "jpeg", nothing_located),
            Example("a note with a French number", note.encode(), "text", "text", clues_found),
        ]


def _decode(head: bytes) -> str:
    """UTF-16 when a byte-order mark says so, else UTF-8; undecodable bytes become U+FFFD
    (a cut multi-byte character at the limit must not lose the rest)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="replace")
    return head.decode("utf-8-sig", errors="replace")
