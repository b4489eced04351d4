"""Each message gets its language, among the six UN languages and others; short texts none."""

from __future__ import annotations

from vigil.chats.language import default_identifier


def test_the_six_un_languages_are_identified() -> None:
    texts = [
        "where are we meeting tomorrow evening",
        "on se retrouve demain soir à la gare",
        "nos vemos mañana por la noche en la estación",
        "мы встречаемся завтра вечером на вокзале",
        "سنلتقي غدا مساء في المحطة",
        "我们明天晚上在火车站见面",
    ]
    assert default_identifier().identify(texts) == ["en", "fr", "es", "ru", "ar", "zh"]


def test_links_numbers_and_very_short_texts_get_no_language() -> None:
    assert default_identifier().identify(["https://example.org/a", "12 34", "ok", ""]) == [""] * 4
