"""Project VIC VICS JSON, 1.x and 2.0, read as a stream: one Media in memory at a time.

Forms accepted (see FORMATS.md): 2.0 hash sets (`@odata.context` ... `#Media`, `value[]` of
Media), 2.0 cases (`value[]` of cases, each with `Media[]`), and 1.x (`odata.metadata`, PhotoDNA
nested as `{"HashName": "PhotoDNA", "HashValue": ...}`). Real files are the final word, so keys
are matched without regard to case, booleans may be strings, and a UTF-8 BOM is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import ijson

from vigil.matching.formats.entry import (
    BadRow,
    ListEntry,
    Problems,
    clean_bool,
    clean_category,
    clean_hash,
    clean_text,
    photodna_flags,
)

BOM = b"\xef\xbb\xbf"
_FLAGS = {
    "victimidentified": "victim_identified",
    "offenderidentified": "offender_identified",
    "isdistributed": "is_distributed",
}
_ALTERNATIVE_NAMES = {"photodna": "photodna", "md5": "md5", "sha1": "sha1", "sha-1": "sha1",
                      "sha256": "sha256", "sha-256": "sha256", "pdq": "pdq"}  # fmt: skip


class FormatError(ValueError):
    """The file as a whole cannot be read as this format (as opposed to one bad row)."""


def read_vics(path: Path, problems: Problems) -> tuple[str, Iterator[ListEntry]]:
    """Detects the form from the first events, then returns a generator over the entries."""
    with open(path, "rb") as handle:
        start = _skip_bom(handle)
        version, cases = _detect(handle)
    prefix = "value.item.Media.item" if cases else "value.item"
    detail = f"VICS {version}{' cases' if cases else ''}"
    return detail, _entries(path, start, prefix, problems)


def _skip_bom(handle: BinaryIO) -> int:
    if handle.read(3) == BOM:
        return 3
    handle.seek(0)
    return 0


def _detect(handle: BinaryIO) -> tuple[str, bool]:
    """Version from the root keys; the cases form from its context or its first value."""
    version, context, cases = "", "", False
    try:
        events = ijson.parse(handle)
        for prefix, event, value in events:
            if prefix == "" and event == "map_key":
                if value in ("odata.metadata", "@odata.context"):
                    version = "1.x" if value == "odata.metadata" else "2.0"
            elif prefix in ("odata.metadata", "@odata.context") and event == "string":
                context = value
            elif prefix == "value.item" and event == "map_key" and value.lower() == "media":
                cases = True
                break
            elif prefix == "value.item" and event == "end_map":
                break  # the first Media: its keys were enough
            elif (prefix, event) in (("value", "end_array"), ("", "end_map")):
                break
    except ijson.JSONError as error:
        raise FormatError(f"not valid JSON: {error}") from None
    if not version and not context:
        raise FormatError("not VICS JSON: neither @odata.context nor odata.metadata at the root")
    if context.rstrip("/").endswith("#Cases"):
        cases = True
    if not version:
        version = "2.0"
    return version, cases


def _entries(path: Path, start: int, prefix: str, problems: Problems) -> Iterator[ListEntry]:
    with open(path, "rb") as handle:
        handle.seek(start)
        row = 0
        try:
            for media in ijson.items(handle, prefix, use_float=True):
                row += 1
                try:
                    yield media_entry(media)
                except BadRow as error:
                    problems.add(row, "bad_row", _located(media, error))
        except ijson.JSONError as error:
            message = f"the JSON breaks off or is malformed after row {row}: {error}"
            raise FormatError(message) from None


def _located(media: Any, error: BadRow) -> str:
    # ijson gives no line numbers: the MediaID, where there is one, finds the record instead.
    if isinstance(media, dict):
        for key, value in media.items():
            if str(key).lower() == "mediaid" and isinstance(value, str | int | float):
                return f"MediaID {value}: {error}"
    return str(error)


def media_entry(media: Any) -> ListEntry:
    """One VICS Media object as a ListEntry; BadRow when it cannot be one."""
    if not isinstance(media, dict):
        raise BadRow("a Media is not a JSON object")
    fields = {str(key).lower(): value for key, value in media.items()}
    entry = ListEntry(
        md5=clean_hash("md5", fields.get("md5")),
        sha1=clean_hash("sha1", fields.get("sha1")),
        sha256=clean_hash("sha256", fields.get("sha256") or fields.get("sha-256")),
        pdq=clean_hash("pdq", fields.get("pdq")),
        photodna=_text_only(fields.get("photodna")),  # 1.x nests it: read below
        category=clean_category(fields.get("category")),
        series=clean_text(fields.get("series")),
        note=clean_text(fields.get("comments")),
        media_id=clean_text(fields.get("mediaid")),
    )
    for key, attribute in _FLAGS.items():
        try:
            setattr(entry, attribute, clean_bool(fields.get(key)))
        except BadRow:
            entry.flags.append(f"bad_boolean:{key}")
    _alternative_hashes(fields, entry)
    _media_files(fields.get("mediafiles"), entry)
    entry.flags.extend(photodna_flags(entry.photodna))
    if not entry.has_hash() and entry.photodna is None:
        raise BadRow("no MD5, SHA-1, SHA-256, PDQ or PhotoDNA")
    return entry


def _text_only(value: Any) -> str | None:
    return clean_text(value) if isinstance(value, str) else None


def _alternative_hashes(fields: dict[str, Any], entry: ListEntry) -> None:
    # 1.x nests hashes as {"HashName": ..., "HashValue": ...}, alone or in a list.
    for value in fields.values():
        candidates = value if isinstance(value, list) else [value]
        for candidate in candidates:
            if not isinstance(candidate, dict):
                continue
            named = {str(key).lower(): item for key, item in candidate.items()}
            name = str(named.get("hashname", "")).strip().lower()
            attribute = _ALTERNATIVE_NAMES.get(name)
            if attribute is None or getattr(entry, attribute) is not None:
                continue
            raw = named.get("hashvalue")
            cleaned = clean_text(raw) if attribute == "photodna" else clean_hash(attribute, raw)
            setattr(entry, attribute, cleaned)


def _media_files(files: Any, entry: ListEntry) -> None:
    if not isinstance(files, list):
        return
    for media_file in files:
        if not isinstance(media_file, dict):
            continue
        named = {str(key).lower(): value for key, value in media_file.items()}
        name = clean_text(named.get("filename"))
        if name is not None:
            entry.file_names.append(name)
        if entry.md5 is None:
            entry.md5 = clean_hash("md5", named.get("md5"))
