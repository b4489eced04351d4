"""Place clues in text (a document, a chat, text read from an image by OCR): the countries of
international phone numbers and the language it is written in. A clue points somewhere; it
places nothing: a French number can be dialled from anywhere, Spanish is spoken in 20 countries.
"""

from __future__ import annotations

import functools
from collections import Counter
from typing import TYPE_CHECKING, Any

from vigil.chats.entities.contact import find_phones

if TYPE_CHECKING:
    from vigil.chats.language import LanguageIdentifier

MAX_EXAMPLES = 3  # numbers shown per country as evidence; the count says how many there were


def phone_country_clues(text: str) -> list[dict[str, Any]]:
    """One clue per country of the valid international numbers (+CC ...), most frequent first."""
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for hit in find_phones(text):
        country = hit.details.get("country", "")
        if not country or country == "001":  # 001: non-geographic (satellite, global services)
            continue
        counts[country] += 1
        shown = examples.setdefault(country, [])
        if hit.value not in shown and len(shown) < MAX_EXAMPLES:
            shown.append(hit.value)
    return [
        {
            "kind": "phone_country",
            "country_code": country,
            "count": count,
            "evidence": examples[country],
        }
        for country, count in counts.most_common()
    ]


def language_clue(text: str) -> dict[str, Any] | None:
    """The text's language by lingua (vigil.chats.language), or None when it cannot tell."""
    (code,) = _identifier().identify([text]) if text.strip() else [""]
    if not code:
        return None
    return {"kind": "language", "language": code, "tool": "lingua"}


def text_clues(text: str) -> list[dict[str, Any]]:
    clues = phone_country_clues(text)
    language = language_clue(text)
    return clues + ([language] if language else [])


@functools.cache
def _identifier() -> LanguageIdentifier:
    from vigil.chats.language import LanguageIdentifier

    return LanguageIdentifier()  # about 30 MB, built once per process, only when text comes
