"""IBANs (validated by schwifty: country format and ISO 7064 check digits) and payment card
numbers (Luhn, a length the issuer uses and a known issuer prefix)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from schwifty.registry import get_iban_spec

from vigil.chats.entities.hits import EntityHit, Kind

IBANS = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])", re.I)
CARDS = re.compile(r"(?<![\d.,])\d(?:[ -]?\d){11,18}(?![\d.,]\d)")
# (brand, accepted lengths, IIN prefix ranges as (low, high) over the first six digits)
_CARD_BRANDS: tuple[tuple[str, frozenset[int], tuple[tuple[int, int], ...]], ...] = (
    ("amex", frozenset({15}), ((340000, 349999), (370000, 379999))),
    ("visa", frozenset({13, 16, 19}), ((400000, 499999),)),
    ("mastercard", frozenset({16}), ((510000, 559999), (222100, 272099))),
    ("discover", frozenset({16, 17, 18, 19}), ((601100, 601199), (644000, 659999))),
    ("jcb", frozenset({16, 17, 18, 19}), ((352800, 358999),)),
    ("diners", frozenset({14, 16}), ((300000, 305999), (360000, 369999), (380000, 399999))),
    ("unionpay", frozenset({16, 17, 18, 19}), ((620000, 629999),)),
    ("maestro", frozenset(range(12, 20)), ((500000, 509999), (560000, 589999), (630000, 639999))),
)


def find_ibans(text: str) -> Iterator[EntityHit]:
    for match in IBANS.finditer(text):
        raw = match.group().upper()
        positions = [index for index, char in enumerate(raw) if char != " "]
        compact = raw.replace(" ", "")
        try:
            length = get_iban_spec(compact[:2]).iban_length
        except (KeyError, SchwiftyException):
            continue
        if len(compact) < length:
            continue
        # "... 0130 00 OK": the regex runs on into the next word; the country fixes the length.
        compact = compact[:length]
        try:
            iban = IBAN(compact)
        except (SchwiftyException, ValueError):
            continue
        end = match.start() + positions[length - 1] + 1
        yield EntityHit(Kind.IBAN, iban.compact, match.start(), end, {"country": iban.country_code})


def find_cards(text: str) -> Iterator[EntityHit]:
    for match in CARDS.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        brand = card_brand(digits)
        if brand is not None and luhn_ok(digits):
            details = {"brand": brand, "last4": digits[-4:]}
            yield EntityHit(Kind.CARD, digits, match.start(), match.end(), details)


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_brand(digits: str) -> str | None:
    if not 12 <= len(digits) <= 19:
        return None
    prefix = int(digits[:6])
    for brand, lengths, ranges in _CARD_BRANDS:
        if len(digits) in lengths and any(low <= prefix <= high for low, high in ranges):
            return brand
    return None
