"""Cryptocurrency addresses, each accepted only when its checksum verifies: Bitcoin and
Litecoin (Base58Check, Bech32/Bech32m), Ethereum (EIP-55), Tron (Base58Check 0x41) and Monero
(its own Base58 with a Keccak checksum)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from vigil.chats.entities.encodings import (
    base58check_decode,
    monero_base58_decode,
    monero_checksum_ok,
    segwit_decode,
)
from vigil.chats.entities.hits import EntityHit, Kind
from vigil.chats.entities.keccak import keccak256

_B58 = "[1-9A-HJ-NP-Za-km-z]"
CANDIDATES = re.compile(
    rf"(?<![0-9A-Za-z])(?:"
    rf"[13LM]{_B58}{{25,34}}"  # Bitcoin / Litecoin Base58Check
    rf"|T{_B58}{{33}}"  # Tron
    rf"|[48]{_B58}{{94}}(?:{_B58}{{11}})?"  # Monero: 95 characters, 106 when integrated
    r"|(?i:(?:bc|tb|ltc)1[02-9ac-hj-np-z]{6,87})"  # Bech32 / Bech32m
    r"|0x[0-9a-fA-F]{40}"  # Ethereum
    r")(?![0-9A-Za-z])"
)
# Base58Check version byte → (coin, address type)
_BASE58_VERSIONS = {
    0x00: ("bitcoin", "p2pkh"),
    0x05: ("bitcoin", "p2sh"),  # Litecoin's legacy P2SH shares this version
    0x30: ("litecoin", "p2pkh"),
    0x32: ("litecoin", "p2sh"),
}
_SEGWIT_PREFIXES = {"bc": "bitcoin", "tb": "bitcoin-testnet", "ltc": "litecoin"}
# Monero network byte → address type (mainnet)
_MONERO_TYPES = {18: ("standard", 69), 42: ("subaddress", 69), 19: ("integrated", 77)}


def find(text: str) -> Iterator[EntityHit]:
    for match in CANDIDATES.finditer(text):
        details = classify(match.group())
        if details is not None:
            value = details.pop("value")
            yield EntityHit(Kind.CRYPTO, value, match.start(), match.end(), details)


def classify(candidate: str) -> dict[str, str] | None:
    """Coin, type and normalised value of a valid address; None when the checksum fails."""
    lowered = candidate.lower()
    if lowered.startswith("0x"):
        return _ethereum(candidate)
    prefix = lowered.split("1", 1)[0]
    if prefix in _SEGWIT_PREFIXES and "1" in lowered:
        decoded = segwit_decode(prefix, candidate)
        if decoded is None:
            return None
        version, _program = decoded
        return {
            "value": lowered,
            "coin": _SEGWIT_PREFIXES[prefix],
            "type": f"segwit-v{version}",
        }
    if candidate[0] in "48" and len(candidate) in (95, 106):
        return _monero(candidate)
    payload = base58check_decode(candidate)
    if payload is None or len(payload) != 21:
        return None
    if candidate[0] == "T":
        return (
            {"value": candidate, "coin": "tron", "type": "base58"} if payload[0] == 0x41 else None
        )
    known = _BASE58_VERSIONS.get(payload[0])
    if known is None:
        return None
    coin, address_type = known
    return {"value": candidate, "coin": coin, "type": address_type}


def eip55(address_hex: str) -> str:
    """The EIP-55 mixed-case form of a 40-hex-digit address (without 0x)."""
    lowered = address_hex.lower()
    digest = keccak256(lowered.encode("ascii")).hex()
    return "0x" + "".join(
        char.upper() if char.isalpha() and int(digest[index], 16) >= 8 else char
        for index, char in enumerate(lowered)
    )


def _ethereum(candidate: str) -> dict[str, str] | None:
    body = candidate[2:]
    checksummed = eip55(body)
    # All-lowercase or all-uppercase carries no checksum (EIP-55); mixed case must match it.
    has_checksum = body != body.lower() and body != body.upper()
    if has_checksum and "0x" + body != checksummed:
        return None
    return {"value": checksummed, "coin": "ethereum", "checksummed": str(has_checksum).lower()}


def _monero(candidate: str) -> dict[str, str] | None:
    raw = monero_base58_decode(candidate)
    if raw is None or not monero_checksum_ok(raw):
        return None
    known = _MONERO_TYPES.get(raw[0])
    if known is None or len(raw) != known[1]:
        return None
    return {"value": candidate, "coin": "monero", "type": known[0]}
