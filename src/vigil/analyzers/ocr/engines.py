"""The two OCR engines, each turning an upright RGB image into TextLines. Both load lazily and
once per worker process; neither downloads anything.

- RapidOCR: PP-OCRv6 text detection and recognition and the PP-OCR direction classifier, ONNX
  files shipped inside the `rapidocr` wheel. Their SHA-256 digests are pinned here (the same
  values RapidOCR's own tests pin) and checked before the first use: a changed file is refused.
- Tesseract: the `tesserocr` binding with Debian's tessdata_fast models
  (`tesseract-ocr-ara`, `-rus`; English is always loaded beside them so that Latin text is
  read as Latin, not as Cyrillic look-alikes).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from PIL import Image

from vigil.analyzers.base import file_digest
from vigil.analyzers.ocr.lines import TextLine

RAPIDOCR_MODELS = {
    "PP-OCRv6_det_small.onnx": "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f",
    "PP-OCRv6_rec_small.onnx": "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884",
    "ch_ppocr_mobile_v2.0_cls_mobile.onnx": (
        "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c"
    ),
}
#: Vigil's language codes -> Tesseract's model names, for the languages Tesseract reads here.
TESSERACT_MODELS = {"ar": "ara", "ru": "rus"}
TESSERACT_ANCHOR = "eng"
# Tesseract brackets right-to-left runs with direction marks; the text itself needs none.
_BIDI_MARKS = {0x200E: None, 0x200F: None}
ONE_LINE_MAX_HEIGHT = 160  # px: an image this low and twice as wide may be one line of text
TSV_WORD_LEVEL = "5"  # the level column of a word in Tesseract's TSV output
TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
)


class EngineUnavailable(RuntimeError):
    """An engine or its model files are missing or changed; the message says what to install."""


# -- RapidOCR ------------------------------------------------------------------------------------
def rapidocr_model_paths() -> list[Path]:
    try:
        import rapidocr
    except ImportError:
        raise EngineUnavailable(
            "the rapidocr and onnxruntime packages are not installed: pip install 'vigil[ocr]'"
        ) from None
    folder = Path(rapidocr.__file__).parent / "models"
    return [folder / name for name in RAPIDOCR_MODELS]


@functools.cache
def _rapidocr() -> Any:
    paths = rapidocr_model_paths()
    for path in paths:
        if not path.is_file():
            raise EngineUnavailable(f"RapidOCR's model {path.name} is missing: reinstall rapidocr")
        if file_digest(path) != RAPIDOCR_MODELS[path.name]:
            raise EngineUnavailable(
                f"RapidOCR's model {path.name} is not the pinned one (SHA-256 differs): "
                "install the rapidocr version named in the model card"
            )
    import onnxruntime
    from rapidocr import RapidOCR

    onnxruntime.disable_telemetry_events()
    det, rec, cls = (str(path) for path in paths)
    return RapidOCR(
        params={
            "Global.log_level": "error",  # its info lines would describe the evidence
            "Det.model_path": det,
            "Rec.model_path": rec,
            "Cls.model_path": cls,
            # One thread: Vigil's worker processes already keep every core busy.
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
    )


def read_rapidocr(image: Image.Image) -> list[TextLine]:
    engine = _rapidocr()
    # The switches are passed every time: RapidOCR keeps the last call's as its default.
    lines = _rapidocr_lines(engine(image, use_det=True, use_cls=True, use_rec=True))
    if not lines and _looks_like_one_line(image):
        # The detector finds nothing on a tight crop of one line (a caption, a cut-out sign);
        # the recogniser reads it whole. Only for line-shaped images: on a photo without text
        # a forced reading would be noise.
        lines = _rapidocr_lines(engine(image, use_det=False, use_cls=False, use_rec=True), image)
    return lines


def _rapidocr_lines(result: Any, whole: Image.Image | None = None) -> list[TextLine]:
    if result.txts is None or result.scores is None:
        return []
    if whole is not None:  # recognition only: the line is the whole image
        quads: Any = [[(0, 0), (whole.width, 0), (whole.width, whole.height), (0, whole.height)]]
    elif result.boxes is None:
        return []
    else:
        quads = result.boxes
    lines = []
    for quad, text, score in zip(quads, result.txts, result.scores, strict=True):
        xs = [float(point[0]) for point in quad]
        ys = [float(point[1]) for point in quad]
        x, y = max(0, round(min(xs))), max(0, round(min(ys)))
        box = (x, y, round(max(xs)) - x, round(max(ys)) - y)
        lines.append(TextLine(str(text).strip(), box, _unit(float(score)), "rapidocr"))
    return [line for line in lines if line.text]


def _looks_like_one_line(image: Image.Image) -> bool:
    return image.height <= ONE_LINE_MAX_HEIGHT and image.width >= 2 * image.height


# -- Tesseract -----------------------------------------------------------------------------------
def tessdata_dir() -> Path | None:
    """Where the Tesseract models are: TESSDATA_PREFIX, else Debian's folders."""
    candidates = [os.environ.get("TESSDATA_PREFIX", ""), *TESSDATA_DIRS]
    for candidate in candidates:
        if candidate and (Path(candidate) / f"{TESSERACT_ANCHOR}.traineddata").is_file():
            return Path(candidate)
    return None


def tesseract_model_paths(languages: list[str]) -> list[Path]:
    """The model files for `languages` (Vigil codes) plus the English anchor, or an error naming
    the Debian packages to install."""
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        raise EngineUnavailable(
            "the tesserocr package is not installed: pip install 'vigil[ocr]'"
        ) from None
    folder = tessdata_dir()
    names = [TESSERACT_ANCHOR, *(TESSERACT_MODELS[code] for code in languages)]
    missing = [
        name for name in names if folder is None or not (folder / f"{name}.traineddata").is_file()
    ]
    if folder is None or missing:
        packages = " ".join(f"tesseract-ocr-{name.replace('_', '-')}" for name in missing)
        raise EngineUnavailable(
            f"Tesseract's models {', '.join(missing)} are missing: apt-get install "
            f"tesseract-ocr {packages}"
        )
    return [folder / f"{name}.traineddata" for name in names]


@functools.cache
def _tesseract(model_names: str, folder: str) -> Any:
    import tesserocr

    return tesserocr.PyTessBaseAPI(path=folder, lang=model_names)


def read_tesseract(image: Image.Image, languages: list[str]) -> list[TextLine]:
    import tesserocr

    paths = tesseract_model_paths(languages)
    api = _tesseract("+".join(path.stem for path in paths), str(paths[0].parent) + os.sep)
    lines = _tesseract_lines(api, image, tesserocr.PSM.AUTO)
    if not lines:
        # Page segmentation finds nothing on a tight crop of a word or a line; one block does.
        lines = _tesseract_lines(api, image, tesserocr.PSM.SINGLE_BLOCK)
    return lines


def _tesseract_lines(api: Any, image: Image.Image, mode: int) -> list[TextLine]:
    """Lines from Tesseract's TSV output: words in logical order (its line iterator returns
    right-to-left words with their letters reversed), grouped by block, paragraph and line."""
    api.SetPageSegMode(mode)
    api.SetImage(image)
    tsv = api.GetTSVText(0) or ""
    api.Clear()
    words: dict[tuple[str, str, str], list[tuple[str, tuple[int, int, int, int], float]]] = {}
    for row in tsv.splitlines():
        fields = row.split("\t")
        if len(fields) != 12 or fields[0] != TSV_WORD_LEVEL:
            continue
        text = fields[11].translate(_BIDI_MARKS).strip()
        if not text:
            continue
        left, top, width, height = (int(value) for value in fields[6:10])
        line = (fields[2], fields[3], fields[4])
        words.setdefault(line, []).append((text, (left, top, width, height), float(fields[10])))
    return [_line_of(line_words) for line_words in words.values()]


def _line_of(words: list[tuple[str, tuple[int, int, int, int], float]]) -> TextLine:
    left = min(box[0] for _, box, _ in words)
    top = min(box[1] for _, box, _ in words)
    right = max(box[0] + box[2] for _, box, _ in words)
    bottom = max(box[1] + box[3] for _, box, _ in words)
    confidence = sum(conf for _, _, conf in words) / len(words) / 100.0
    text = " ".join(text for text, _, _ in words)
    return TextLine(text, (left, top, right - left, bottom - top), _unit(confidence), "tesseract")


def _unit(value: float) -> float:
    return round(min(max(value, 0.0), 1.0), 4)
