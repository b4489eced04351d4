"""Tor v3 onion addresses: 56 base32 characters encoding a 32-byte key, a 2-byte checksum
(SHA3-256 of ".onion checksum" | key | version) and the version byte 3 (rend-spec-v3)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator

from vigil.chats.entities.hits import EntityHit, Kind

CANDIDATES = re.compile(r"(?<![a-z2-7])([a-z2-7]{56})\.onion(?![a-z0-9-])", re.IGNORECASE)


def find(text: str) -> Iterator[EntityHit]:
    for match in CANDIDATES.finditer(text):
        label = match.group(1).lower()
        if is_valid_v3(label):
            yield EntityHit(Kind.ONION, f"{label}.onion", match.start(), match.end())


def is_valid_v3(label: str) -> bool:
    try:
        raw = base64.b32decode(label.upper())
    except ValueError:
        return False
    key, checksum, version = raw[:32], raw[32:34], raw[34:]
    if version != b"\x03":
        return False
    expected = hashlib.sha3_256(b".onion checksum" + key + version).digest()[:2]
    return checksum == expected
