"""Attachment paths written inside an export are untrusted: only a plain relative path that
stays inside the export is ever looked up."""

from __future__ import annotations

import posixpath
import re

_DRIVE = re.compile(r"^[A-Za-z]:")


def safe_relative_path(raw: str) -> str | None:
    """The normalised relative path, or None for one that is absolute, has a drive letter,
    a NUL, or climbs out of the export with `..`."""
    if not raw or "\x00" in raw:
        return None
    path = raw.replace("\\", "/")
    if path.startswith("/") or _DRIVE.match(path):
        return None
    if any(part == ".." for part in path.split("/")):
        return None
    normalised = posixpath.normpath(path)
    return None if normalised in (".", "") else normalised
