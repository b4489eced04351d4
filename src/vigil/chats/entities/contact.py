"""Phone numbers (Google's libphonenumber rules, via `phonenumbers`) and @handles."""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from vigil.chats.entities.hits import EntityHit, Kind

# The matcher is slow (about a thousand texts a second): it only sees texts with enough digits.
_MAYBE_PHONE = re.compile(r"\d(?:[\s().\-/]*\d){6}")
HANDLES = re.compile(r"(?<![\w@./+-])@([A-Za-z0-9_]{2,32})(?![\w@])")


def find_phones(text: str, default_region: str | None = None) -> Iterator[EntityHit]:
    """Numbers valid in their country. Without a default region only international numbers
    (+CC ...) count, since a national number means nothing without its country."""
    if not _MAYBE_PHONE.search(text):
        return
    matcher = phonenumbers.PhoneNumberMatcher(
        text, default_region, leniency=phonenumbers.Leniency.VALID
    )
    for match in matcher:
        number = match.number
        value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        region = phonenumbers.region_code_for_number(number) or ""
        details = {"country": region, "country_code": str(number.country_code)}
        yield EntityHit(Kind.PHONE, value, match.start, match.end, details)


def find_handles(text: str) -> Iterator[EntityHit]:
    for match in HANDLES.finditer(text):
        yield EntityHit(Kind.HANDLE, "@" + match.group(1).lower(), match.start(), match.end())
