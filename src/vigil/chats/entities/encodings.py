"""The checksummed encodings of addresses: Base58Check, Bech32/Bech32m (BIP-173/350) and
Monero's block-wise Base58. Each decoder returns None for anything that does not verify."""

from __future__ import annotations

import hashlib

from vigil.chats.entities.keccak import keccak256

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {char: index for index, char in enumerate(BASE58_ALPHABET)}


def base58_decode(text: str) -> bytes | None:
    number = 0
    for char in text:
        digit = _BASE58_INDEX.get(char)
        if digit is None:
            return None
        number = number * 58 + digit
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    leading_zeros = len(text) - len(text.lstrip("1"))
    return b"\x00" * leading_zeros + body


def base58_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    chars = []
    while number:
        number, digit = divmod(number, 58)
        chars.append(BASE58_ALPHABET[digit])
    leading_zeros = len(data) - len(data.lstrip(b"\x00"))
    return "1" * leading_zeros + "".join(reversed(chars))


def _double_sha256(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def base58check_decode(text: str) -> bytes | None:
    """The payload (version byte included) when the 4-byte double-SHA-256 checksum holds."""
    raw = base58_decode(text)
    if raw is None or len(raw) < 5:
        return None
    payload, checksum = raw[:-4], raw[-4:]
    return payload if _double_sha256(payload)[:4] == checksum else None


def base58check_encode(payload: bytes) -> str:
    return base58_encode(payload + _double_sha256(payload)[:4])


# -- Bech32 / Bech32m ------------------------------------------------------------------------
BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {char: index for index, char in enumerate(BECH32_CHARSET)}
BECH32_CONSTANT = 1
BECH32M_CONSTANT = 0x2BC830A3
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: list[int]) -> int:
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for bit in range(5):
            if (top >> bit) & 1:
                checksum ^= _GENERATOR[bit]
    return checksum


def _expand_hrp(hrp: str) -> list[int]:
    return [ord(char) >> 5 for char in hrp] + [0] + [ord(char) & 31 for char in hrp]


def bech32_decode(text: str) -> tuple[str, list[int], int] | None:
    """(human-readable part, data without checksum, checksum constant) or None."""
    if text.lower() != text and text.upper() != text:
        return None  # mixed case is invalid (BIP-173)
    text = text.lower()
    separator = text.rfind("1")
    if separator < 1 or separator + 7 > len(text) or len(text) > 90:
        return None
    hrp, data_part = text[:separator], text[separator + 1 :]
    if any(ord(char) < 33 or ord(char) > 126 for char in hrp):
        return None
    data = [_BECH32_INDEX.get(char, -1) for char in data_part]
    if -1 in data:
        return None
    constant = _polymod(_expand_hrp(hrp) + data)
    if constant not in (BECH32_CONSTANT, BECH32M_CONSTANT):
        return None
    return hrp, data[:-6], constant


def bech32_encode(hrp: str, data: list[int], constant: int) -> str:
    values = _expand_hrp(hrp) + data
    checksum = _polymod([*values, 0, 0, 0, 0, 0, 0]) ^ constant
    tail = [(checksum >> 5 * (5 - index)) & 31 for index in range(6)]
    return hrp + "1" + "".join(BECH32_CHARSET[value] for value in data + tail)


def convert_bits(data: list[int], from_bits: int, to_bits: int, pad: bool) -> list[int] | None:
    accumulator = bits = 0
    result = []
    top = (1 << to_bits) - 1
    for value in data:
        if value >> from_bits:
            return None
        accumulator = (accumulator << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            result.append((accumulator >> bits) & top)
    if pad:
        if bits:
            result.append((accumulator << (to_bits - bits)) & top)
    elif bits >= from_bits or ((accumulator << (to_bits - bits)) & top):
        return None
    return result


def segwit_decode(hrp: str, address: str) -> tuple[int, bytes] | None:
    """(witness version, program) of a native segwit address with this prefix (BIP-173/350):
    version 0 must use Bech32 and a 20- or 32-byte program, versions 1-16 Bech32m."""
    decoded = bech32_decode(address)
    if decoded is None or decoded[0] != hrp or not decoded[1]:
        return None
    _, data, constant = decoded
    version = data[0]
    program = convert_bits(data[1:], 5, 8, pad=False)
    if version > 16 or program is None or not 2 <= len(program) <= 40:
        return None
    if version == 0 and len(program) not in (20, 32):
        return None
    if constant != (BECH32_CONSTANT if version == 0 else BECH32M_CONSTANT):
        return None
    return version, bytes(program)


def segwit_encode(hrp: str, version: int, program: bytes) -> str:
    data = convert_bits(list(program), 8, 5, pad=True) or []
    constant = BECH32_CONSTANT if version == 0 else BECH32M_CONSTANT
    return bech32_encode(hrp, [version, *data], constant)


# -- Monero ----------------------------------------------------------------------------------
# Monero encodes 8-byte blocks as 11 characters each; a shorter last block has a known length.
_MONERO_BLOCK_CHARS = {0: 0, 1: 2, 2: 3, 3: 5, 4: 6, 5: 7, 6: 9, 7: 10, 8: 11}
_MONERO_CHARS_TO_BYTES = {chars: size for size, chars in _MONERO_BLOCK_CHARS.items()}


def monero_base58_decode(text: str) -> bytes | None:
    out = bytearray()
    for start in range(0, len(text), 11):
        block = text[start : start + 11]
        size = _MONERO_CHARS_TO_BYTES.get(len(block))
        if size is None:
            return None
        number = 0
        for char in block:
            digit = _BASE58_INDEX.get(char)
            if digit is None:
                return None
            number = number * 58 + digit
        if number >> (8 * size):
            return None
        out += number.to_bytes(size, "big")
    return bytes(out)


def monero_base58_encode(data: bytes) -> str:
    chars = []
    for start in range(0, len(data), 8):
        block = data[start : start + 8]
        number = int.from_bytes(block, "big")
        encoded = []
        for _ in range(_MONERO_BLOCK_CHARS[len(block)]):
            number, digit = divmod(number, 58)
            encoded.append(BASE58_ALPHABET[digit])
        chars.append("".join(reversed(encoded)))
    return "".join(chars)


def monero_checksum_ok(raw: bytes) -> bool:
    return len(raw) > 4 and keccak256(raw[:-4])[:4] == raw[-4:]
