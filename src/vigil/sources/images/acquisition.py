"""The acquisition check: the hashes an EWF image records when it was made, against the same
hashes computed now over the media it holds. A mismatch means the image is not what was
acquired (damaged, or altered) and is the first thing an investigator must hear."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pyewf

from vigil.core.issues import Issue

READ_SIZE = 4 * 1024 * 1024


def ewf_segments(path: Path) -> list[str]:
    """The segment files of the image whose first segment is `path` (.E01, .E02 ... beside
    it); the file alone when it is not named like a first segment (a stored copy)."""
    try:
        return list(pyewf.glob(str(path)))
    except (OSError, RuntimeError, TypeError):
        return [str(path)]


def check_ewf(path: Path) -> tuple[dict[str, Any], list[Issue]]:
    """(facts, issues): the media size, the stored and computed MD5 and SHA-1 of the media."""
    handle = pyewf.handle()
    try:
        handle.open(ewf_segments(path), "r")
    except (OSError, RuntimeError) as error:
        message = f"The EWF image could not be opened to check its acquisition hashes ({error})."
        return {}, [Issue.error("acquisition_unchecked", message[:400])]
    try:
        stored = {name: _stored_hash(handle, name) for name in ("md5", "sha1")}
        facts: dict[str, Any] = {"media_size": handle.get_media_size(), "stored": stored}
        wanted = {name: hashlib.new(name) for name, value in stored.items() if value}
        if not wanted:
            return facts, [_NO_STORED_HASH]
        remaining = handle.get_media_size()
        while remaining > 0:
            chunk = handle.read(min(READ_SIZE, remaining))
            if not chunk:
                break
            for digest in wanted.values():
                digest.update(chunk)
            remaining -= len(chunk)
    except (OSError, RuntimeError) as error:
        message = f"The media could not be read to the end to check its hashes ({error})."
        return {}, [Issue.error("acquisition_unchecked", message[:400])]
    finally:
        handle.close()
    computed = {name: digest.hexdigest() for name, digest in wanted.items()}
    facts["computed"] = computed
    facts["verified"] = all(stored[name] == value for name, value in computed.items())
    if not facts["verified"]:
        differing = ", ".join(name.upper() for name in computed if stored[name] != computed[name])
        return facts, [
            Issue.error(
                "acquisition_hash_mismatch",
                f"The {differing} the image recorded at acquisition differs from the one "
                "computed over its media now: the image is not what was acquired (damaged or "
                "altered).",
            )
        ]
    return facts, []


def _stored_hash(handle: Any, name: str) -> str | None:
    try:
        value = handle.get_hash_value(name.upper())
    except (OSError, RuntimeError, KeyError):
        return None
    return value.lower() if value else None


_NO_STORED_HASH = Issue.warning(
    "acquisition_unchecked",
    "The EWF image records no MD5 or SHA-1 of its media: its integrity since acquisition "
    "cannot be checked.",
)
