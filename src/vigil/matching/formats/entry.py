"""One row of a hash list, as the list gives it, and the checks every format shares."""

from __future__ import annotations

import dataclasses
import json
import string
from dataclasses import dataclass, field

_HEX = frozenset(string.hexdigits)
# Lengths in hex characters; a value of another length is a bad row, not a guess.
HASH_LENGTHS = {"md5": 32, "sha1": 40, "sha256": 64, "pdq": 64}
PHOTODNA_LENGTHS = (192, 288)  # base64 of 144 bytes, or the same bytes as hex


@dataclass(slots=True)
class ListEntry:
    md5: str | None = None
    sha1: str | None = None
    sha256: str | None = None
    pdq: str | None = None
    vpdq: str | None = None  # canonical JSON of "pdq_hex,quality,timestamp" frames (see below)
    photodna: str | None = None  # kept for exchange; Vigil cannot compute PhotoDNA
    category: str | None = None  # raw, as the list gives it (mapped only at match time)
    series: str | None = None
    note: str | None = None
    media_id: str | None = None
    victim_identified: bool | None = None
    offender_identified: bool | None = None
    is_distributed: bool | None = None
    file_names: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # anomalies kept with the row, e.g. photodna

    def has_hash(self) -> bool:
        return any((self.md5, self.sha1, self.sha256, self.pdq, self.vpdq))

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


class BadRow(ValueError):
    """A row that cannot become an entry; the import counts it and goes on."""


class Problems:
    """Counts every problem, keeps the first `keep` of them for the report.

    A reader of lines also says where each line went, so that every line is accounted for:
    lines = header + entries + bad rows + skipped (blank) + joined (into a quoted field).
    """

    def __init__(self, keep: int = 1000) -> None:
        self.count = 0
        self.bad_rows = 0
        self.lines = 0  # physical lines read, the header's included (0: not a format of lines)
        self.skipped = 0
        self.joined = 0
        self.kept: list[dict[str, object]] = []
        self._keep = keep

    def add(self, row: int | None, code: str, message: str) -> None:
        """`row` is the line a record starts on for CSV, the record's position otherwise."""
        self.count += 1
        if code == "bad_row":
            self.bad_rows += 1
        if len(self.kept) < self._keep:
            self.kept.append({"row": row, "code": code, "message": message})


def clean_hash(kind: str, value: object) -> str | None:
    """Lower-case hex of the expected length; None when absent; BadRow when malformed."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRow(f"{kind} is not text")
    text = value.strip().lower()
    if text.startswith("0x"):
        text = text[2:]
    if not text:
        return None
    if len(text) != HASH_LENGTHS[kind] or not _HEX.issuperset(text):
        raise BadRow(f"{kind} is not {HASH_LENGTHS[kind]} hex characters")
    return text


def clean_text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def clean_bool(value: object) -> bool | None:
    """JSON booleans, and the strings and numbers some exporters write instead."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    lowered = str(value).strip().lower()
    if lowered in ("true", "yes", "y", "1"):
        return True
    if lowered in ("false", "no", "n", "0"):
        return False
    if lowered in ("", "null", "none"):
        return None
    raise BadRow(f"{value!r} is not a boolean")


def clean_category(value: object) -> str | None:
    """The raw category as text ("1", "A"); null and empty stay None (uncategorised)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.lower() in ("", "null", "none"):
        return None
    return text


def photodna_flags(value: str | None) -> list[str]:
    # Kept whatever its length: the list owner may know better than this check.
    if value is not None and len(value) not in PHOTODNA_LENGTHS:
        return ["photodna_bad_length"]
    return []


# vPDQ travels as ThreatExchange's compact form: a JSON array of "pdq_hex,quality,timestamp"
# strings, one per hashed frame. Accepted also as a list of such strings, of
# [timestamp, quality, pdq_hex] triples (how triage stores it) or of {hash, quality, timestamp}
# objects (Meta's older JSON); always stored in the compact form.
MAX_VPDQ_FRAMES = 100_000


def clean_vpdq(value: object) -> str | None:
    """The canonical compact JSON of a vPDQ hash; None when absent; BadRow when malformed."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            raise BadRow("vpdq is not a JSON array of frames") from None
    if not isinstance(value, list) or not value:
        raise BadRow("vpdq is not a non-empty array of frames")
    if len(value) > MAX_VPDQ_FRAMES:
        raise BadRow(f"vpdq has more than {MAX_VPDQ_FRAMES:,} frames")
    return json.dumps([_compact_frame(frame) for frame in value], separators=(",", ":"))


def vpdq_frames(compact: str) -> list[tuple[str, int, float]]:
    """(pdq_hex, quality, timestamp) of each frame of a canonical vPDQ value."""
    frames = []
    for frame in json.loads(compact):
        pdq_hex, quality, timestamp = frame.split(",")
        frames.append((pdq_hex, int(quality), float(timestamp)))
    return frames


def _compact_frame(frame: object) -> str:
    pdq_hex: object
    quality: object
    timestamp: object
    if isinstance(frame, str):
        parts = frame.split(",")
        if len(parts) != 3:
            raise BadRow("a vpdq frame is not 'pdq_hex,quality,timestamp'")
        pdq_hex, quality, timestamp = parts
    elif isinstance(frame, list | tuple) and len(frame) == 3:
        timestamp, quality, pdq_hex = frame
    elif isinstance(frame, dict):
        pdq_hex, quality, timestamp = (
            frame.get("hash"),
            frame.get("quality"),
            frame.get("timestamp"),
        )
    else:
        raise BadRow("a vpdq frame is neither text, a triple nor an object")
    pdq = clean_hash("pdq", pdq_hex)
    try:
        quality_value = int(str(quality))
        seconds = float(str(timestamp))
    except ValueError:
        raise BadRow("a vpdq frame has a quality or timestamp that is not a number") from None
    if pdq is None or not 0 <= quality_value <= 100 or not 0 <= seconds < 1e7:
        raise BadRow("a vpdq frame is out of range (hash, quality 0..100, timestamp >= 0)")
    return f"{pdq},{quality_value},{seconds:.3f}"
