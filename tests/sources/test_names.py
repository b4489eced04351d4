from __future__ import annotations

import pytest

from vigil.sources.names import check_member_name, link_escapes_root, printable


def codes(raw: str | bytes) -> list[str]:
    return [issue.code for issue in check_member_name(raw)[1]]


def test_an_ordinary_name_passes_unchanged_and_unflagged() -> None:
    assert check_member_name("DCIM/IMG_0001.jpg") == ("DCIM/IMG_0001.jpg", [])
    assert check_member_name(b"DCIM/IMG_0001.jpg") == ("DCIM/IMG_0001.jpg", [])


@pytest.mark.parametrize("name", ["../evil", "a/../../b", "..\\evil", "a\\..\\..\\b", "..", "a/.."])
def test_a_parent_segment_is_path_traversal(name: str) -> None:
    assert codes(name) == ["path_traversal"]


@pytest.mark.parametrize("name", ["a..b", "...", ".hidden", "a/..b/c", "..txt"])
def test_dots_inside_a_segment_are_not_traversal(name: str) -> None:
    assert codes(name) == []


@pytest.mark.parametrize("name", ["/etc/passwd", "\\Windows\\win.ini"])
def test_a_leading_separator_is_an_absolute_path(name: str) -> None:
    assert codes(name) == ["absolute_path"]


@pytest.mark.parametrize(
    "name", ["C:\\Windows\\hosts", "c:relative.txt", "\\\\server\\share\\f", "//server/share/f"]
)
def test_a_drive_letter_or_network_share_is_flagged(name: str) -> None:
    assert codes(name) == ["drive_letter_path"]


def test_traversal_and_absolute_are_both_reported() -> None:
    assert codes("/../../etc/passwd") == ["path_traversal", "absolute_path"]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("bell\x07.txt", "bell\\u0007.txt"),
        ("escape\x1b[31m.txt", "escape\\u001b[31m.txt"),
        ("new\nline", "new\\u000aline"),
        ("del\x7f", "del\\u007f"),
        ("c1\x85", "c1\\u0085"),
        ("line\u2028sep", "line\\u2028sep"),
    ],
)
def test_control_characters_are_escaped_and_flagged(raw: str, shown: str) -> None:
    name, issues = check_member_name(raw)
    assert name == shown
    assert [issue.code for issue in issues] == ["control_characters"]


@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
                                  "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"])  # fmt: skip
def test_every_bidi_character_is_escaped_and_flagged(char: str) -> None:
    name, issues = check_member_name(f"invoice{char}fdp.exe")
    assert name == f"invoice\\u{ord(char):04x}fdp.exe"
    assert [issue.code for issue in issues] == ["bidi_characters"]


def test_undecodable_bytes_are_shown_as_hex_escapes() -> None:
    name, issues = check_member_name(b"caf\xe9 \xff.txt")
    assert name == "caf\\xe9 \\xff.txt"
    assert [issue.code for issue in issues] == ["not_utf8"]


def test_surrogate_escaped_text_is_treated_like_the_bytes_it_stands_for() -> None:
    assert check_member_name("caf\udce9.txt") == check_member_name(b"caf\xe9.txt")


def test_a_decomposed_unicode_name_is_flagged_but_shown_as_is() -> None:
    name, issues = check_member_name("cafe\u0301.txt")
    assert name == "cafe\u0301.txt"
    assert [issue.code for issue in issues] == ["unicode_not_nfc"]


@pytest.mark.parametrize("text", ["写真/旅行.jpg", "café.txt", "emoji 👨‍👩‍👧.png", "Ünïcödé ñame"])
def test_printable_leaves_ordinary_unicode_alone(text: str) -> None:
    assert printable(text) == text
    assert codes(text) == []


def test_every_warning_reads_as_a_plain_sentence() -> None:
    _, issues = check_member_name(b"/../\x07\xe2\x80\xaee\xcc\x81\xff")
    assert {issue.code for issue in issues} == {
        "path_traversal",
        "absolute_path",
        "control_characters",
        "bidi_characters",
        "unicode_not_nfc",
        "not_utf8",
    }
    for issue in issues:
        assert issue.severity == "warning"
        assert issue.message[0].isupper() and issue.message.endswith(".")


@pytest.mark.parametrize(
    ("member", "target", "escapes"),
    [
        ("docs/link", "a.txt", False),
        ("docs/link", "../a.txt", False),
        ("docs/link", "../../a.txt", True),
        ("link", "/etc/passwd", True),
        ("link", "\\Windows", True),
        ("link", "C:\\Windows", True),
        ("link", "a/../../b", True),
        ("a/b/link", "..\\..\\c", False),
        ("a/b/link", "..\\..\\..\\c", True),
    ],
)
def test_a_symlink_escapes_when_its_target_climbs_above_the_root(
    member: str, target: str, escapes: bool
) -> None:
    assert link_escapes_root(member, target) is escapes


def test_a_hardlink_target_is_relative_to_the_archive_root() -> None:
    assert link_escapes_root("deep/down/hard", "../x", relative_to_root=True) is True
    assert link_escapes_root("deep/down/hard", "docs/a.txt", relative_to_root=True) is False
