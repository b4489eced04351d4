"""Chat exports are recognised by their content, and other JSON or ZIP files are not."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.chats.builders import (
    discord_export,
    rocketchat_message,
    rocketchat_zip,
    telegram_chat,
    telegram_full_export,
)
from vigil.chats.detect import detect
from vigil.chats.records import Platform


def _detect(data: bytes) -> Platform | None:
    return detect(io.BytesIO(data))


@pytest.mark.parametrize(
    ("sample", "platform"),
    [
        ("telegram/DM_2A_7M.json", Platform.TELEGRAM),
        ("discord/DM_2A_2M.json", Platform.DISCORD),
        ("discord/SV_5A_5M.json", Platform.DISCORD),
        ("messenger/2A_7M.json", None),
        ("whatsapp/4A_11M.zip", None),
        ("whatsapp/2A_5M.txt", None),
    ],
)
def test_the_shared_samples_are_told_apart(
    shared_data: Path, sample: str, platform: Platform | None
) -> None:
    path = shared_data / "chat-analytics" / "tests" / "samples" / sample
    assert _detect(path.read_bytes()) == platform


def test_generated_exports_are_recognised() -> None:
    assert _detect(json.dumps(telegram_full_export([])).encode()) == Platform.TELEGRAM
    assert _detect(b"\xef\xbb\xbf" + json.dumps(telegram_chat([])).encode()) == Platform.TELEGRAM
    assert _detect(json.dumps(discord_export([])).encode()) == Platform.DISCORD
    assert _detect(rocketchat_zip({"r": [rocketchat_message("x")]}, {})) == Platform.ROCKETCHAT


def test_other_json_and_zips_are_not_chat_exports() -> None:
    assert _detect(json.dumps({"id": 1, "messages": [], "type": "inbox"}).encode()) is None
    assert _detect(b"[1, 2, 3]") is None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.json", '{"a": 1}\n')
    assert _detect(buffer.getvalue()) is None
    assert _detect(b"PK\x03\x04 not really a zip") is None


def test_only_the_head_of_a_large_export_is_needed() -> None:
    big = telegram_chat([{"id": i, "type": "message", "text": "x" * 100} for i in range(5000)])
    data = json.dumps(big).encode()
    assert len(data) > 256 * 1024
    assert _detect(data) == Platform.TELEGRAM
