"""Text in images (OCR), in the six UN languages, each line a suggestion with its box.

Which engine reads what (the `languages` parameter, Vigil's two-letter codes):
- en, fr, es, zh: RapidOCR (PP-OCRv6), strong on photos, signs and screenshots;
- ar, ru: Tesseract, run only when one of them is asked for. Its Arabic and Cyrillic lines
  replace whatever RapidOCR read in the same place (see lines.py).

Each line becomes a suggestion: the label is the text read (so the review can search it),
the data hold the box, the engine's confidence, the script of its letters and, where lingua
is sure, the language. The image's whole text is the lines joined in reading order.
"""

from __future__ import annotations

import functools
import io
from typing import Any, ClassVar

from PIL import Image, ImageDraw, ImageFont

from vigil.analyzers.base import Analyzer, Example, ImageInput, ModelInfo, file_digest
from vigil.analyzers.context import AnalyzerContext, AnalyzerOutput
from vigil.analyzers.ocr.engines import (
    TESSERACT_MODELS,
    EngineUnavailable,
    rapidocr_model_paths,
    read_rapidocr,
    read_tesseract,
    tesseract_model_paths,
)
from vigil.analyzers.ocr.lines import TextLine, merge
from vigil.media.image import FORMATS

RAPIDOCR_LANGUAGES = frozenset({"en", "fr", "es", "zh"})
UN_LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")
MIN_LANGUAGE_LETTERS = 10  # below this, a line's language is a guess (lingua: "Hello" -> fr)
MAX_LABEL = 200  # a Suggestion label's length; the data keep the whole line


class OcrAnalyzer(ImageInput, Analyzer):
    name = "ocr"
    version = "1.0"
    title = "Text in images (OCR: RapidOCR + Tesseract)"
    summary = (
        "Reads text in photos, screenshots and documents (Latin, Chinese, Arabic, Cyrillic), "
        "line by line with boxes and confidence, so that images can be searched by their text."
    )
    uses_ai = True
    parameters: ClassVar[dict[str, Any]] = {"languages": list(UN_LANGUAGES), "min_confidence": 0.5}

    @classmethod
    def missing_dependency(cls) -> str | None:
        try:
            rapidocr_model_paths()
            import onnxruntime  # noqa: F401
        except (EngineUnavailable, ImportError):
            return (
                "the rapidocr and onnxruntime packages are not installed: pip install 'vigil[ocr]'"
            )
        return None

    @classmethod
    def model(cls) -> ModelInfo:
        return _model_info(tuple(cls.parameters["languages"]))

    def analyze(self, ctx: AnalyzerContext) -> None:
        params: dict[str, Any] = {**self.parameters, **ctx.parameters}
        languages = [str(code) for code in params["languages"]]
        unknown = sorted(set(languages) - set(UN_LANGUAGES))
        if unknown:
            ctx.error("ocr_bad_parameter", f"unknown OCR languages {unknown}: use {UN_LANGUAGES}")
            return
        decoded = self.load_image(ctx, purpose="OCR", formats=FORMATS)
        if decoded is None:
            return
        image = decoded.rgb
        rapid: list[TextLine] = []
        tesseract: list[TextLine] = []
        try:
            if RAPIDOCR_LANGUAGES & set(languages):
                rapid = read_rapidocr(image)
        except EngineUnavailable as error:
            ctx.error("ocr_engine_missing", str(error))
            return
        wanted = sorted(set(languages) & set(TESSERACT_MODELS))
        if wanted:
            try:
                tesseract = read_tesseract(image, wanted)
            except EngineUnavailable as error:
                ctx.warn("ocr_languages_unavailable", f"{', '.join(wanted)} not read: {error}")
        lines = [
            line
            for line in merge(rapid, tesseract)
            if line.confidence >= float(params["min_confidence"])
        ]
        for index, (line, language) in enumerate(zip(lines, _languages(lines), strict=True)):
            ctx.suggest(
                line.text[:MAX_LABEL],
                line.confidence,
                kind="text_line",
                line=index,
                text=line.text,
                box=list(line.box),
                script=line.script,
                language=language,
                engine=line.engine,
            )

    @classmethod
    def examples(cls) -> list[Example]:
        def reads_the_sign(output: AnalyzerOutput) -> None:
            read = " ".join(suggestion.label for suggestion in output.suggestions)
            assert "EVIDENCE 42" in read.upper(), read
            assert all(s.data["box"][2] > 0 for s in output.suggestions)

        def reads_nothing(output: AnalyzerOutput) -> None:
            assert output.suggestions == []

        blank = io.BytesIO()
        Image.new("RGB", (320, 120), (255, 255, 255)).save(blank, "PNG")
        return [
            Example("a printed sign", _sign_png("EVIDENCE 42"), "image", "png", reads_the_sign),
            Example("a blank page", blank.getvalue(), "image", "png", reads_nothing),
        ]


@functools.cache
def _model_info(languages: tuple[str, ...]) -> ModelInfo:
    paths = rapidocr_model_paths()
    wanted = sorted(set(languages) & set(TESSERACT_MODELS))
    origin = "rapidocr wheel (PP-OCRv6 det/rec small, PP-OCR mobile v2.0 cls), digests pinned"
    licence = "Apache-2.0"
    try:
        tesseract = tesseract_model_paths(wanted) if wanted else []
    except EngineUnavailable:
        tesseract = []  # runs without them, with a warning on every image
    if tesseract:
        paths += tesseract
        origin += f"; Debian tessdata_fast {', '.join(p.stem for p in tesseract)}"
        licence += " (both)"
    return ModelInfo(
        name="RapidOCR PP-OCRv6" + (" + Tesseract" if tesseract else ""),
        origin=origin,
        licence=licence,
        digest=file_digest(*paths),
        files=tuple(path.name for path in paths),
    )


def _languages(lines: list[TextLine]) -> list[str]:
    """lingua's ISO 639-1 code per line, "" for a line too short for anything but a guess."""
    from vigil.chats.language import default_identifier

    texts = [line.text if _letters(line.text) >= MIN_LANGUAGE_LETTERS else "" for line in lines]
    return default_identifier().identify(texts)


def _letters(text: str) -> int:
    return sum(1 for char in text if char.isalpha())


def _sign_png(text: str) -> bytes:
    """A synthetic sign, black on white, for the contract example."""
    image = Image.new("RGB", (480, 120), (255, 255, 255))
    font = ImageFont.load_default(size=48)
    ImageDraw.Draw(image).text((24, 30), text, fill=(0, 0, 0), font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
