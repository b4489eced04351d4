"""Agency watch-lists: keywords and regular expressions, in any language, matched without
regard to case, width (full-width forms), compatibility forms or diacritics (accents, Arabic
harakat), so that a list written once finds the ways people actually type.

A keyword matches whole words; in scripts written without spaces (Chinese, Japanese, Thai) it
matches anywhere. A hit is only a suggestion: a person confirms or rejects it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_UNSPACED_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "THAI", "LAO", "KHMER", "MYANMAR")


class WatchListError(ValueError):
    """A term that cannot be used (an empty keyword, a regular expression that does not compile)."""


@dataclass(frozen=True, slots=True)
class Term:
    term_id: int
    list_name: str
    pattern: str
    is_regex: bool = False
    label: str = ""


@dataclass(frozen=True, slots=True)
class WatchHit:
    term: Term
    start: int  # span in the original text
    end: int


def fold(text: str) -> tuple[str, list[int]]:
    """The text folded for matching, and for each folded character its index in `text`."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    folded: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        for piece in unicodedata.normalize("NFKD", char).casefold():
            if unicodedata.category(piece) != "Mn":
                folded.append(piece)
                positions.append(index)
    return "".join(folded), positions


def fold_term(term: str) -> str:
    return fold(unicodedata.normalize("NFKC", term.strip()))[0]


def compile_regex(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        raise WatchListError(f"not a valid regular expression: {error}") from None


class WatchListMatcher:
    def __init__(self, terms: Iterable[Term]) -> None:
        self._keywords: dict[str, list[Term]] = {}
        self._regexes: list[tuple[re.Pattern[str], Term]] = []
        bounded: list[str] = []
        unbounded: list[str] = []
        for term in terms:
            if term.is_regex:
                self._regexes.append((compile_regex(term.pattern), term))
                continue
            key = fold_term(term.pattern)
            if not key:
                raise WatchListError("an empty keyword matches everything")
            if key not in self._keywords:
                (unbounded if _unspaced(key) else bounded).append(re.escape(key))
            self._keywords.setdefault(key, []).append(term)
        self._bounded = _alternation(bounded, r"(?<!\w)(?:{})(?!\w)")
        self._unbounded = _alternation(unbounded, "(?:{})")

    def __bool__(self) -> bool:
        return bool(self._keywords or self._regexes)

    def find(self, text: str) -> list[WatchHit]:
        if not text:
            return []
        folded, positions = fold(text)
        hits: list[WatchHit] = []
        for pattern in (self._bounded, self._unbounded):
            if pattern is None:
                continue
            for match in pattern.finditer(folded):
                start, end = _original_span(positions, match.start(), match.end(), len(text))
                hits += (WatchHit(term, start, end) for term in self._keywords[match.group()])
        for regex, term in self._regexes:
            for match in regex.finditer(folded):
                if match.end() > match.start():
                    start, end = _original_span(positions, match.start(), match.end(), len(text))
                    hits.append(WatchHit(term, start, end))
        return sorted(hits, key=lambda hit: (hit.start, hit.term.term_id))


def _alternation(escaped: list[str], template: str) -> re.Pattern[str] | None:
    if not escaped:
        return None
    # Longest first, so "red car" wins over "red" where both are listed.
    ordered = sorted(escaped, key=len, reverse=True)
    return re.compile(template.format("|".join(ordered)))


def _unspaced(keyword: str) -> bool:
    return any(
        any(script in unicodedata.name(char, "") for script in _UNSPACED_SCRIPTS)
        for char in (keyword[0], keyword[-1])
    )


def _original_span(positions: list[int], start: int, end: int, length: int) -> tuple[int, int]:
    return positions[start], (positions[end - 1] + 1 if end > start else length)
