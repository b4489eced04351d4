"""One row of a hash list, as the list gives it, and the checks every format shares."""

from __future__ import annotations

import dataclasses
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
        return any((self.md5, self.sha1, self.sha256, self.pdq))

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


class BadRow(ValueError):
    """A row that cannot become an entry; the import counts it and goes on."""


class Problems:
    """Counts every problem, keeps the first `keep` of them for the report."""

    def __init__(self, keep: int = 1000) -> None:
        self.count = 0
        self.kept: list[dict[str, object]] = []
        self._keep = keep

    def add(self, row: int | None, code: str, message: str) -> None:
        self.count += 1
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
