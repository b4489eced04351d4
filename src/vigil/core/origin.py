"""Stable identities for items: the same entry of the same source always gets the same key,
so a resumed run recognises what is already recorded and never records it twice."""

from __future__ import annotations

import hashlib
import os

PATH_SEPARATOR = "!/"


def top_level_hash(relative: str) -> str:
    return hashlib.sha1(b"f\x00" + os.fsencode(relative), usedforsecurity=False).hexdigest()


def member_hash(parent_hash: str, index: int, name: str) -> str:
    # The index keeps two members with the same name in one archive apart.
    raw = f"{parent_hash}\x00{index}\x00{name}".encode("utf-8", "surrogatepass")
    return hashlib.sha1(b"m\x00" + raw, usedforsecurity=False).hexdigest()


def display_path(origin: list[str]) -> str:
    return PATH_SEPARATOR.join(origin)
