"""Attachment paths from an export are only looked up when they stay inside it."""

from __future__ import annotations

import pytest

from vigil.chats.paths import safe_relative_path


@pytest.mark.parametrize(
    "raw",
    ["../../etc/passwd", "/etc/passwd", "photos/../../x", "C:\\Windows\\x", "..\\x", "", "a\x00b"],
)
def test_paths_leaving_the_export_are_refused(raw: str) -> None:
    assert safe_relative_path(raw) is None


def test_a_plain_relative_path_is_normalised() -> None:
    assert safe_relative_path("photos/./photo_1.jpg") == "photos/photo_1.jpg"
    assert safe_relative_path("files\\doc.pdf") == "files/doc.pdf"
