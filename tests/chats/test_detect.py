"""Chat exports are recognised by their content, and other JSON, text or ZIP files are not."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.chats.builders import (
    discord_export,
    mark_first_member_encrypted,
    messenger_message,
    messenger_thread,
    rocketchat_message,
    rocketchat_zip,
    telegram_chat,
    telegram_full_export,
    whatsapp_zip,
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
        ("messenger/2A_7M.json", Platform.MESSENGER),
        ("whatsapp/4A_11M.zip", Platform.WHATSAPP),
        ("whatsapp/4A_11M.txt", Platform.WHATSAPP),
        ("whatsapp/2A_5M.txt", Platform.WHATSAPP),
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


def test_whatsapp_text_exports_are_recognised_from_their_first_lines() -> None:
    ios = "\ufeff\u200e[12/09/2020, 23:55:01] Alice: \u200e<attached: 1-PHOTO-x.jpg>\r\n"
    assert _detect((ios + "[12/09/2020, 23:56:00] Bob: hi\r\n").encode()) == Platform.WHATSAPP
    android = "1/5/21, 9:05\u202fPM - Alice: evening\nsecond line\n1/5/21, 9:06\u202fPM - Bob: ok\n"
    assert _detect(android.encode()) == Platform.WHATSAPP
    one_line = "14.02.2022, 9:05 a. m. - Los mensajes están cifrados de extremo a extremo."
    assert _detect(one_line.encode()) == Platform.WHATSAPP


def test_whatsapp_zips_are_recognised_by_their_chat_text_even_when_it_cannot_be_read() -> None:
    chat = "13/01/2020, 10:00 - Ana: hi\n"
    assert _detect(whatsapp_zip(chat)) == Platform.WHATSAPP
    assert _detect(whatsapp_zip(chat, member="WhatsApp Chat with Ana.txt")) == Platform.WHATSAPP
    assert _detect(whatsapp_zip(chat, member="export/notes.txt")) == Platform.WHATSAPP
    # Recognised by its name, so that the import reports it instead of passing it by.
    assert _detect(mark_first_member_encrypted(whatsapp_zip(chat))) == Platform.WHATSAPP
    assert _detect(whatsapp_zip("just notes\n", member="notes.txt")) is None


def test_a_large_messenger_thread_is_recognised_from_its_first_messages() -> None:
    messages = [messenger_message("Bob", 1_700_000_000_000 + i, "x" * 100) for i in range(2000)]
    data = json.dumps(messenger_thread(messages)).encode()
    assert len(data) > 128 * 1024
    assert _detect(data) == Platform.MESSENGER
    assert _detect(json.dumps(messenger_thread([])).encode()) == Platform.MESSENGER


def test_other_text_is_not_a_whatsapp_export() -> None:
    for text in (
        "Dear Bob,\nsee you at the harbour.\n",
        "date,time,value\n12/09/2020,10:00,3\n",
        "[2020-01-01 10:00:00] INFO: started\n[2020-01-01 10:00:01] INFO: ready\n",
        "2020-01-01 10:00:00,123 - root - INFO - started\n",
        "12/09/2020, 10:00 - started\nand nothing else looks like a header\n" + "x\n" * 600,
        "45/13/2020, 10:00 - Ana: no such date\n",
    ):
        assert _detect(text.encode()) is None, text[:40]
