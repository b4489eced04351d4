"""The few EXIF facts triage shows and sorts by: capture time, camera, serial, software,
orientation and GPS position.

EXIF in evidence is often damaged or hostile (edited by tools, truncated by carving, crafted), so
every read is guarded: a broken section is skipped with an `exif_malformed` warning and the rest
is kept. Pillow reports many problems as warnings rather than exceptions; those are captured too.
Only JSON-serialisable values (str, int, float, None, dict) go into the result.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from numbers import Real
from typing import Any, TypeVar

from PIL import Image

from vigil.core.issues import Issue

EXIF_IFD = 0x8769
GPS_IFD = 0x8825

MAX_TEXT = 256
MAX_PROBLEMS_SHOWN = 3

_IFD0_TEXT = {"make": 0x010F, "model": 0x0110, "software": 0x0131}
_ORIENTATION = 0x0112
_DATETIME_ORIGINAL = 0x9003
_OFFSET_TIME_ORIGINAL = 0x9011
_BODY_SERIAL = 0xA431

_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 1, 2, 3, 4
_GPS_ALT_REF, _GPS_ALT, _GPS_TIME, _GPS_DATE = 5, 6, 7, 29

_EXIF_DATETIME = re.compile(r"(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_EXIF_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")
_EXIF_DATE = re.compile(r"(\d{4})[:-](\d{2})[:-](\d{2})")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")

Facts = dict[str, object]
T = TypeVar("T")


class _ExifProblem(ValueError):
    """A value that is present but unusable (wrong type, impossible date)."""


def read_exif(img: Image.Image) -> tuple[Facts, list[Issue]]:
    """Reads the triage facts from `img`'s EXIF; never raises."""
    facts: Facts = {}
    issues: list[Issue] = []
    problems: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _collect(img, facts, issues, problems)
    # Pillow warns (rather than raises) about truncated or out-of-bounds entries.
    problems += [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    if problems:
        issues.append(_malformed(problems))
    return facts, issues


def _collect(img: Image.Image, facts: Facts, issues: list[Issue], problems: list[str]) -> None:
    """Each section is read on its own, so damage in one keeps what the others hold."""
    exif = _guarded(problems, "EXIF", lambda: _load(img))
    if exif is None:
        return
    _guarded(problems, "IFD0", lambda: _read_ifd0(exif, facts, problems))
    exif_ifd = _guarded(problems, "Exif IFD", lambda: exif.get_ifd(EXIF_IFD)) or {}
    _guarded(problems, "Exif IFD", lambda: _read_exif_ifd(exif_ifd, facts, issues, problems))
    gps_ifd = _guarded(problems, "GPS IFD", lambda: exif.get_ifd(GPS_IFD)) or {}
    _guarded(problems, "GPS IFD", lambda: _read_gps(gps_ifd, facts, issues))


def _malformed(problems: list[str]) -> Issue:
    unique = list(dict.fromkeys(_clip(p.strip().rstrip(". "), 200) for p in problems))
    shown = "; ".join(unique[:MAX_PROBLEMS_SHOWN])
    hidden = len(unique) - MAX_PROBLEMS_SHOWN
    more = f" (and {hidden} more)" if hidden > 0 else ""
    return Issue.warning("exif_malformed", f"The EXIF data is malformed: {shown}{more}.")


def _guarded(problems: list[str], section: str, read: Callable[[], T]) -> T | None:
    try:
        return read()
    except Exception as error:  # hostile EXIF raises many types; none may escape
        problems.append(f"{section}: {type(error).__name__}: {error}")
        return None


def _load(img: Image.Image) -> Image.Exif | None:
    raw = img.info.get("exif")
    if isinstance(raw, bytes | bytearray):
        # A fresh parse, not img.getexif(): JPEG opening already parsed (and cached) the EXIF
        # while looking for a resolution, and the warnings from that parse would be lost.
        exif = Image.Exif()
        exif.load(bytes(raw))
        return exif
    if hasattr(img, "tag_v2") or "Raw profile type exif" in img.info:
        exif = img.getexif()  # a TIFF's own tags; ImageMagick's PNG text chunk
        return exif if len(exif) else None
    return None  # (PNG's getexif() would decode the whole image to look for more)


def _read_ifd0(exif: Image.Exif, facts: Facts, problems: list[str]) -> None:
    _check_pointers(exif, problems)
    for key, tag in _IFD0_TEXT.items():
        _put(facts, key, _field(problems, key, _text, exif.get(tag)))
    orientation = exif.get(_ORIENTATION)
    if orientation not in (None, 0):  # 0 ("unknown") is written by common software; not damage
        if isinstance(orientation, int) and 1 <= orientation <= 8:
            facts["orientation"] = orientation
        else:
            problems.append(f"orientation {_clip(repr(orientation), 40)} is not 1-8")


def _check_pointers(exif: Image.Exif, problems: list[str]) -> None:
    # Pillow silently skips a sub-IFD whose pointer has the wrong type (e.g. ASCII).
    for tag, name in ((EXIF_IFD, "Exif IFD"), (GPS_IFD, "GPS IFD")):
        pointer = exif.get(tag)
        if pointer is not None and not isinstance(pointer, int):
            problems.append(f"the {name} pointer is {type(pointer).__name__}, not an offset")


def _read_exif_ifd(
    ifd: Mapping[int, Any], facts: Facts, issues: list[Issue], problems: list[str]
) -> None:
    serial = _field(problems, "BodySerialNumber", _text, ifd.get(_BODY_SERIAL))
    _put(facts, "body_serial", serial)
    taken = _field(problems, "DateTimeOriginal", _capture_time, ifd)
    if taken is None:
        return
    facts["datetime_original"] = taken
    if len(taken) == len("YYYY-MM-DDTHH:MM:SS"):
        issues.append(
            Issue.warning(
                "naive_time",
                "The capture time has no UTC offset (no OffsetTimeOriginal): it is the camera's "
                "local clock, in an unknown time zone.",
            )
        )


def _capture_time(ifd: Mapping[int, Any]) -> str | None:
    raw = _text(ifd.get(_DATETIME_ORIGINAL))
    if raw is None:
        return None
    match = _EXIF_DATETIME.fullmatch(raw)
    try:
        if match is None:
            raise ValueError
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        moment = datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise _ExifProblem(f"{raw!r} is not a date and time") from None
    offset = _utc_offset(_text(ifd.get(_OFFSET_TIME_ORIGINAL)))
    return moment.replace(tzinfo=offset).isoformat()


def _utc_offset(raw: str | None) -> timezone | None:
    if raw is None:
        return None
    match = _EXIF_OFFSET.fullmatch(raw)
    if match is None or int(match[2]) > 14 or int(match[3]) >= 60:
        raise _ExifProblem(f"OffsetTimeOriginal {raw!r} is not a UTC offset")
    delta = timedelta(hours=int(match[2]), minutes=int(match[3]))
    return timezone(-delta if match[1] == "-" else delta)


def _read_gps(ifd: Mapping[int, Any], facts: Facts, issues: list[Issue]) -> None:
    if _GPS_LAT not in ifd and _GPS_LON not in ifd:
        return  # no position (an empty GPS IFD is common and harmless)
    reasons: list[str] = []
    lat = _field(reasons, "latitude", _coordinate, ifd, _GPS_LAT, _GPS_LAT_REF, "NS", 90)
    lon = _field(reasons, "longitude", _coordinate, ifd, _GPS_LON, _GPS_LON_REF, "EW", 180)
    alt = _field(reasons, "altitude", _altitude, ifd)
    stamp = _field(reasons, "timestamp", _gps_timestamp, ifd)
    if lat is not None and lon is not None:
        facts["gps"] = {"lat": lat, "lon": lon, "alt": alt, "timestamp": stamp}
    elif not reasons:
        reasons.append("latitude or longitude missing")
    if reasons:
        kept = "the rest was kept" if "gps" in facts else "no position recorded"
        issues.append(
            Issue.warning(
                "exif_gps_invalid", f"The GPS data is invalid ({'; '.join(reasons)}); {kept}."
            )
        )


def _coordinate(ifd: Mapping[int, Any], tag: int, ref_tag: int, refs: str, limit: float) -> float:
    dms = ifd.get(tag)
    ref = _text(ifd.get(ref_tag))
    if dms is None:
        raise _ExifProblem("missing")
    if ref is None or ref.upper()[:1] not in refs:
        raise _ExifProblem(f"reference {ref!r} is not one of {'/'.join(refs)}")
    parts = _numbers(dms, most=3)
    if any(part < 0 for part in parts) or any(part > 60 for part in parts[1:]):
        raise _ExifProblem(f"{_clip(repr(dms), 60)} is not degrees/minutes/seconds")
    value = sum(part / 60**index for index, part in enumerate(parts))
    if value > limit:
        raise _ExifProblem(f"{value:.6f} is beyond {limit}")
    return round(-value if ref.upper()[0] == refs[1] else value, 7)


def _altitude(ifd: Mapping[int, Any]) -> float | None:
    raw = ifd.get(_GPS_ALT)
    if raw is None:
        return None
    (metres,) = _numbers(raw, most=1)
    return round(-metres if _below_sea_level(ifd.get(_GPS_ALT_REF)) else metres, 3)


def _below_sea_level(ref: object) -> bool:
    # GPSAltitudeRef is a BYTE: Pillow may hand it over as bytes, an int or a 1-tuple.
    if isinstance(ref, bytes | bytearray):
        return ref[:1] == b"\x01"
    if isinstance(ref, tuple):
        return ref[:1] == (1,)
    return ref == 1


def _gps_timestamp(ifd: Mapping[int, Any]) -> str | None:
    """GPS time is UTC by definition: "YYYY-MM-DDTHH:MM:SSZ", or the part that is present."""
    date_raw, time_raw = _text(ifd.get(_GPS_DATE)), ifd.get(_GPS_TIME)
    date = None
    if date_raw is not None:
        match = _EXIF_DATE.fullmatch(date_raw)
        if match is None:
            raise _ExifProblem(f"GPSDateStamp {date_raw!r} is not a date")
        date = datetime(int(match[1]), int(match[2]), int(match[3])).date().isoformat()
    clock = None
    if time_raw is not None:
        hours, minutes, seconds = [*_numbers(time_raw, most=3), 0.0, 0.0][:3]
        if not (hours < 24 and minutes < 60 and seconds < 61):
            raise _ExifProblem(f"GPSTimeStamp {_clip(repr(time_raw), 60)} is not a time")
        whole, millis = divmod(round(seconds * 1000), 1000)
        fraction = f".{millis:03d}" if millis else ""
        clock = f"{int(hours):02d}:{int(minutes):02d}:{whole:02d}{fraction}Z"
    if date and clock:
        return f"{date}T{clock}"
    return date or clock


def _numbers(value: object, most: int) -> list[float]:
    """1..`most` finite numbers from a rational, a number, or a tuple of them."""
    items = value if isinstance(value, tuple) else (value,)
    if not 1 <= len(items) <= most:
        raise _ExifProblem(f"expected 1-{most} numbers, got {len(items)}")
    numbers = []
    for item in items:
        if not isinstance(item, Real) or isinstance(item, bool):
            raise _ExifProblem(f"{_clip(repr(item), 40)} is not a number")
        if getattr(item, "denominator", 1) == 0:
            raise _ExifProblem("a rational has a zero denominator")
        number = float(item)
        if not math.isfinite(number):
            raise _ExifProblem(f"{number} is not a finite number")
        numbers.append(number)
    return numbers


def _text(value: object) -> str | None:
    """A cleaned, bounded string; None when absent or empty. Other types are a problem."""
    if value is None:
        return None
    if isinstance(value, bytes | bytearray):
        value = bytes(value).split(b"\x00", 1)[0].decode("utf-8", "replace")
    elif isinstance(value, str):
        value = _utf8_repair(value.split("\x00", 1)[0])
    else:
        raise _ExifProblem(f"expected text, got {type(value).__name__}")
    cleaned = _CONTROL_CHARS.sub("", value).strip()
    return _clip(cleaned, MAX_TEXT) or None


def _utf8_repair(text: str) -> str:
    # Pillow decodes EXIF ASCII as Latin-1; many devices actually write UTF-8 there.
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return text


def _field(problems: list[str], name: str, read: Callable[..., T], *args: object) -> T | None:
    """`read(*args)`, or None with the problem noted when the value is present but unusable."""
    try:
        return read(*args)
    except _ExifProblem as problem:
        problems.append(f"{name}: {problem}")
        return None


def _put(facts: Facts, key: str, value: object) -> None:
    if value is not None:
        facts[key] = value


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
