"""Watch-lists match whatever the case, width or accents, in spaced and unspaced scripts."""

from __future__ import annotations

import pytest

from vigil.chats.watchlist import Term, WatchListError, WatchListMatcher


def _matcher(*patterns: str, regex: bool = False) -> WatchListMatcher:
    return WatchListMatcher(
        Term(index, "list", pattern, regex) for index, pattern in enumerate(patterns, start=1)
    )


def _found(matcher: WatchListMatcher, text: str) -> list[str]:
    return [text[hit.start : hit.end] for hit in matcher.find(text)]


def test_keywords_match_whole_words_regardless_of_case_and_accents() -> None:
    matcher = _matcher("cafe", "Straße")
    assert _found(matcher, "Meet at the CAFÉ near the STRASSE") == ["CAFÉ", "STRASSE"]
    assert _found(matcher, "cafeteria") == []


def test_full_width_and_arabic_diacritics_are_folded() -> None:
    matcher = _matcher("meet", "كتاب")
    assert _found(matcher, "ｍｅｅｔ me") == ["ｍｅｅｔ"]
    assert _found(matcher, "هذا كِتَاب") == ["كِتَاب"]


def test_unspaced_scripts_match_inside_a_run_of_text() -> None:
    matcher = _matcher("见面", "привет")
    assert _found(matcher, "我们明天见面吧") == ["见面"]
    assert _found(matcher, "Привет всем") == ["Привет"]


def test_regular_expressions_run_on_the_folded_text() -> None:
    matcher = _matcher(r"\bmeet(ing)? at \d+\b", regex=True)
    assert _found(matcher, "MEETING AT 5 then") == ["MEETING AT 5"]


def test_a_bad_regular_expression_or_an_empty_keyword_is_refused() -> None:
    with pytest.raises(WatchListError):
        _matcher("(unclosed", regex=True)
    with pytest.raises(WatchListError):
        _matcher("  ")
