"""Streaming JSON with ijson (C backend): a header read up to a key, items one at a time, and
the clear line between "parsed" and "the file ends here" for truncated exports."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import IO, Any

import ijson
from ijson.common import ObjectBuilder

Opener = Callable[[], IO[bytes]]
BOM = b"\xef\xbb\xbf"
JSON_ERRORS = (ijson.JSONError, ijson.IncompleteJSONError, UnicodeDecodeError)
_FRACTION = re.compile(r"(\.\d{6})\d+")


class _SkipBom:
    """A read-only view of a binary stream without its UTF-8 byte-order mark."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        head = raw.read(3)
        self._pending = b"" if head == BOM else head

    def read(self, size: int = -1) -> bytes:
        if not self._pending:
            return self._raw.read(size)
        if size < 0:
            data, self._pending = self._pending + self._raw.read(), b""
            return data
        data = self._pending[:size]
        self._pending = self._pending[size:]
        return data + (self._raw.read(size - len(data)) if size > len(data) else b"")


def without_bom(raw: IO[bytes]) -> IO[bytes]:
    return _SkipBom(raw)  # type: ignore[return-value]


def read_header(open_export: Opener, stop_keys: frozenset[str]) -> tuple[dict[str, Any], str]:
    """The top-level members before the first of `stop_keys`, and which key stopped it ("" when
    none came). Reads only as far as that key, however large the file."""
    builder = ObjectBuilder()
    stopped = ""
    with open_export() as raw:
        try:
            for prefix, event, value in ijson.parse(without_bom(raw), use_float=True):
                if prefix == "" and event == "map_key" and value in stop_keys:
                    stopped = value
                    break
                builder.event(event, value)
        except JSON_ERRORS:
            pass  # a truncated or broken header: what came before it is still the header
    header = builder.value if isinstance(getattr(builder, "value", None), dict) else {}
    return header, stopped


def iter_items(stream: IO[bytes], prefix: str, errors: list[str]) -> Iterator[Any]:
    """Items under `prefix`, until the end or the first damage; damage is appended to `errors`
    (the items parsed before it are all yielded)."""
    try:
        yield from ijson.items(stream, prefix, use_float=True)
    except JSON_ERRORS as error:
        errors.append(_describe(error))


def _describe(error: Exception) -> str:
    if isinstance(error, ijson.IncompleteJSONError) and "premature EOF" in str(error):
        return "the file ends in the middle of the JSON (truncated)"
    return f"the JSON is damaged ({type(error).__name__})"


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time with offset (Discord writes up to 7 fractional digits), as UTC."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(_FRACTION.sub(r"\1", value.replace("Z", "+00:00")))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC)


def from_unix(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
