"""What an OCR engine read: lines with boxes, and the rules that merge two engines' lines.

RapidOCR reads Latin and Chinese script and has no model for Arabic or Cyrillic, so where it
meets those scripts it reads look-alike Latin letters ("Bpee" for "Време"). Tesseract, given
the Arabic and Russian models, reads them. The merge keeps Tesseract's lines written (almost)
wholly in Arabic or Cyrillic letters and drops any RapidOCR line lying mostly inside one of
them; every other line is RapidOCR's. A line with a few Cyrillic letters among Latin ones is
Tesseract misreading Latin ("А raposa"), not a Cyrillic line.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

#: Unicode character-name prefixes of the scripts the analyzer names.
_SCRIPT_PREFIXES = (
    ("LATIN", "Latin"),
    ("CJK", "Han"),
    ("ARABIC", "Arabic"),
    ("CYRILLIC", "Cyrillic"),
    ("HIRAGANA", "Japanese kana"),
    ("KATAKANA", "Japanese kana"),
    ("HANGUL", "Hangul"),
    ("GREEK", "Greek"),
    ("HEBREW", "Hebrew"),
    ("DEVANAGARI", "Devanagari"),
)
#: Scripts only Tesseract reads here (RapidOCR ships no model for them).
TESSERACT_SCRIPTS = frozenset({"Arabic", "Cyrillic"})
TESSERACT_SHARE = 0.8  # share of a line's letters in those scripts that makes it Tesseract's
OVERLAP_REPLACES = 0.5  # share of a RapidOCR box inside a Tesseract line that drops it
SAME_ROW = 0.5  # vertical overlap, as a share of the lower line's height, that makes one row


@dataclass(frozen=True, slots=True)
class TextLine:
    text: str
    box: tuple[int, int, int, int]  # x, y, width, height in the original image's pixels
    confidence: float  # the engine's own, 0..1; not comparable across engines
    engine: str

    @property
    def scripts(self) -> Counter[str]:
        return scripts_of(self.text)

    @property
    def script(self) -> str:
        """The script of most of its letters; "" for digits and punctuation only."""
        counts = self.scripts
        return counts.most_common(1)[0][0] if counts else ""


def scripts_of(text: str) -> Counter[str]:
    """How many letters of `text` are in each script."""
    counts: Counter[str] = Counter()
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        for prefix, script in _SCRIPT_PREFIXES:
            if name.startswith(prefix):
                counts[script] += 1
                break
        else:
            counts["Other"] += 1
    return counts


def merge(rapid: list[TextLine], tesseract: list[TextLine]) -> list[TextLine]:
    """RapidOCR's lines, except where Tesseract read Arabic or Cyrillic; in reading order."""
    kept_tesseract = [line for line in tesseract if _in_tesseract_scripts(line)]
    kept_rapid = [
        line
        for line in rapid
        if not any(
            _share_inside(line.box, other.box) >= OVERLAP_REPLACES for other in kept_tesseract
        )
    ]
    return reading_order(kept_rapid + kept_tesseract)


def reading_order(lines: list[TextLine]) -> list[TextLine]:
    """Rows from top to bottom, lines left to right within a row (words of one sign printed
    side by side are one row even when their tops differ by a few pixels)."""
    rows: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda line: line.box[1]):
        row = rows[-1] if rows else None
        if row is not None and _vertical_overlap(row[-1].box, line.box) >= SAME_ROW:
            row.append(line)
        else:
            rows.append([line])
    return [line for row in rows for line in sorted(row, key=lambda line: line.box[0])]


def _in_tesseract_scripts(line: TextLine) -> bool:
    counts = line.scripts
    letters = sum(counts.values())
    ours = sum(counts[script] for script in TESSERACT_SCRIPTS)
    return letters > 0 and ours / letters >= TESSERACT_SHARE


def _vertical_overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    overlap = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    lower = min(a[3], b[3])
    return overlap / lower if lower > 0 else 0.0


def _share_inside(inner: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> float:
    """The share of `inner`'s area that lies inside `outer`."""
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    width = max(0, min(x + w, ox + ow) - max(x, ox))
    height = max(0, min(y + h, oy + oh) - max(y, oy))
    area = w * h
    return (width * height) / area if area > 0 else 0.0
